//! The spreadsheet loop through the real binary: `tiendo template` writes a workbook that lists
//! the plan and validates its input columns; a filled workbook (written here with
//! rust_xlsxwriter, as Excel would save it) or CSV file updates the site; its mistakes are
//! reported at the sheet, row and cell.

mod common;

use std::fs;
use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader};
use chrono::NaiveDate;
use common::{every_kind_project, root, scratch, text, tiendo};
use rust_xlsxwriter::Workbook;

/// A sheet's rows as text.
fn sheet_rows(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book = calamine::open_workbook_auto(path).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

/// One file inside the workbook (a zip), as text.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn the_template_lists_the_plan_and_validates_its_input_columns() {
    let work = scratch("template");
    common::copy_dir(&root().join("content"), &work.join("content"));
    let out = tiendo(&work, &["template"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    let book = work.join("content/tien-giang-2024/updates.xlsx");
    assert!(stdout.contains("updates.xlsx"), "{stdout}");
    let figures = sheet_rows(&book, "Số liệu");
    assert_eq!(
        figures[0][..9],
        [
            "Mã chỉ tiêu",
            "Ngành",
            "Tên chỉ tiêu",
            "Đơn vị",
            "Mục tiêu",
            "Số gần nhất",
            "Kỳ",
            "Giá trị",
            "Ngày công bố"
        ]
    );
    // Every indicator of the plan has its row, with its target and latest figure.
    let plan: serde_json::Value = {
        let built = work.join("built");
        let b = tiendo(&work, &["build", "--output", built.to_str().unwrap()]);
        assert!(
            b.status.success(),
            "an empty template changes nothing: {}",
            text(&b).1
        );
        serde_json::from_str(&fs::read_to_string(built.join("data/plan.json")).unwrap()).unwrap()
    };
    let ids: Vec<String> = plan["sectors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["indicators"].as_array().unwrap().iter())
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    let listed: Vec<String> = figures[1..].iter().map(|r| r[0].clone()).collect();
    assert_eq!(listed, ids);
    let grdp = figures
        .iter()
        .find(|r| r[0] == "grdp-tang-truong")
        .expect("GRDP row");
    assert!(
        grdp[4].contains('7') && !grdp[5].is_empty(),
        "target and latest: {grdp:?}"
    );
    let tasks = sheet_rows(&book, "Nhiệm vụ");
    assert_eq!(tasks[0][4], "Trạng thái");
    assert!(tasks.len() > 50, "every task has a row: {}", tasks.len());
    // Lists for the period, source and yes/no columns; a date range; the period kept as text.
    let xml = part(&book, "xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(r#"type="list""#) && xml.contains(r#"sqref="G2:G"#),
        "period list"
    );
    assert!(
        xml.contains(r#"type="date""#) && xml.contains(r#"sqref="I2:I"#),
        "date range"
    );
    assert!(
        xml.contains("'Danh mục'!$A$2:$A$30"),
        "30 periods of the plan year"
    );
    let lists = sheet_rows(&book, "Danh mục");
    assert_eq!(lists[1][0], "2024");
    assert!(lists.iter().any(|r| r[0] == "2024-9M") && lists.iter().any(|r| r[0] == "2024-12"));
    // A second run never replaces the file (it may hold figures).
    let before = fs::read(&book).unwrap();
    let again = tiendo(&work, &["template"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again)
            .1
            .contains("updates.xlsx: error: this file already holds the plan's updates")
    );
    assert_eq!(fs::read(&book).unwrap(), before);
    fs::remove_dir_all(&work).unwrap();
}

/// Writes a workbook like one an editor filled in Excel.
fn filled(
    path: &Path,
    figures: &[[&str; 6]],
    dates: &[(u32, u16, NaiveDate)],
    tasks: &[[&str; 4]],
) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Số liệu").unwrap();
    let header = [
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Kỳ",
        "Giá trị",
        "Ngày công bố",
        "Ước tính",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in figures.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(n) if c == 3 => sheet.write_number(r, c, n).unwrap(),
                _ if v.is_empty() => sheet,
                _ => sheet.write_string(r, c, *v).unwrap(),
            };
        }
    }
    for (r, c, d) in dates {
        let format = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        sheet
            .write_datetime_with_format(*r, *c, d, &format)
            .unwrap();
    }
    let sheet = book.add_worksheet().set_name("Nhiệm vụ").unwrap();
    for (c, h) in ["Mã nhiệm vụ", "Trạng thái", "Ngày cập nhật", "Ghi chú"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in tasks.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

#[test]
fn a_filled_workbook_updates_the_site() {
    let (work, content) = every_kind_project("filled");
    let book = content.join("tinh-2024/updates.xlsx");
    let date = NaiveDate::from_ymd_opt(2024, 10, 12).unwrap();
    filled(
        &book,
        &[
            // A number cell; a decimal comma in a text cell; a date typed as text.
            ["no-xau", "", "2024-09", "2.1", "", ""],
            [
                "tien-gui",
                "(tên chỉ tiêu)",
                "2024-Q3",
                "8,6",
                "12/10/2024",
                "có",
            ],
            // Template rows nobody filled are skipped.
            ["dieu-tra", "(tên chỉ tiêu)", "", "", "", ""],
            // 6,9 % typed into a cell formatted as a percentage: Excel stores 0.069.
            ["grdp", "", "2024-10", "0.069", "2024-11-05", "có"],
        ],
        &[(1, 4, date)],
        &[["hop-tac-xa", "", "2024-10-05", "Đã trình UBND tỉnh."]],
    );
    let out_dir = work.join("output");
    let out = tiendo(&work, &["build", "--output", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        text(&out).1.contains("updates.xlsx:5:4: warning: sheet `Số liệu`, cell D5: 0.069 is far below the target for a figure in %")
            && text(&out).1.contains("e.g. 6.9"),
        "a percentage cell is pointed out: {}",
        text(&out).1
    );
    let plan: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out_dir.join("data/plan.json")).unwrap()).unwrap();
    let indicator = |id: &str| -> serde_json::Value {
        let sectors = plan["sectors"].as_array().unwrap();
        let all = sectors
            .iter()
            .flat_map(|s| s["indicators"].as_array().unwrap());
        all.clone().find(|i| i["id"] == id).unwrap().clone()
    };
    let no_xau = indicator("no-xau");
    assert_eq!(no_xau["actuals"][0]["value"], 2.1, "{no_xau}");
    assert_eq!(no_xau["actuals"][0]["as_of"], "2024-10-12");
    let tien_gui = indicator("tien-gui");
    let actuals = tien_gui["actuals"].as_array().unwrap();
    let q3 = actuals
        .iter()
        .find(|a| a["period"] == "2024-Q3")
        .expect("the Q3 figure");
    assert_eq!(
        (q3["value"].as_f64(), q3["provisional"].as_bool()),
        (Some(8.6), Some(true))
    );
    assert_eq!(
        q3["as_of"], "2024-10-12",
        "a date typed as text, DD/MM/YYYY"
    );
    assert!(indicator("dieu-tra")["actuals"].as_array().unwrap().len() == 1);
    let page = fs::read_to_string(out_dir.join("sectors/kinh-te.html")).unwrap();
    assert!(
        page.contains("Đã trình UBND tỉnh."),
        "the task's progress note is shown"
    );
    fs::remove_dir_all(&work).unwrap();
}

#[test]
fn workbook_mistakes_name_the_sheet_and_cell() {
    let (work, content) = every_kind_project("mistakes");
    let book = content.join("tinh-2024/updates.xlsx");
    filled(
        &book,
        &[
            ["xyz", "", "2024-09", "2.1", "2024-10-12", ""],
            ["tien-gui", "", "2024-Q3", "8.6", "2024-08-12", ""],
        ],
        &[],
        &[],
    );
    let out = tiendo(&work, &["check"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/tinh-2024/updates.xlsx:2:1: error: sheet `Số liệu`, cell A2: this plan has no indicator `xyz`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/tinh-2024/updates.xlsx:3:5: error: sheet `Số liệu`, cell E3: this 2024-Q3 figure is dated 2024-08-12, before its period was over"),
        "{stderr}"
    );
    // A workbook and CSV files at once: figures belong in one place.
    fs::write(
        content.join("tinh-2024/figures.csv"),
        "indicator,period,value,as_of\n",
    )
    .unwrap();
    let both = tiendo(&work, &["check"]);
    assert!(
        text(&both)
            .1
            .contains("more than one spreadsheet of updates"),
        "{}",
        text(&both).1
    );
    fs::remove_dir_all(&work).unwrap();
}
