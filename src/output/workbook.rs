//! `tiendo template`: a ready-to-fill workbook for a plan's next update. Sheet "Số liệu" lists
//! every indicator (id, sector, name, unit, target and latest figure, shaded as reference) with
//! empty columns for a new figure; sheet "Nhiệm vụ" lists every task the same way. The period,
//! date, yes/no, status and source columns carry data validation (lists and date ranges from a
//! hidden sheet), and the period column is text so that Excel does not turn `2024-06` into a
//! date. `sheet` reads the filled workbook back with the same column names.

use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

use crate::format::Lang;
use crate::model::{Plan, Value};

/// The words of the workbook, in the site's language (Vietnamese unless it is English).
struct Words {
    figures: &'static str,
    tasks: &'static str,
    lists: &'static str,
    figure_headers: [&'static str; 12],
    task_headers: [&'static str; 9],
    yes_no: [&'static str; 2],
    states: [&'static str; 5],
}

const VI: Words = Words {
    figures: "Số liệu",
    tasks: "Nhiệm vụ",
    lists: "Danh mục",
    figure_headers: [
        "Mã chỉ tiêu",
        "Ngành",
        "Tên chỉ tiêu",
        "Đơn vị",
        "Mục tiêu",
        "Số gần nhất",
        "Kỳ",
        "Giá trị",
        "Ngày công bố",
        "Nguồn",
        "Ghi chú",
        "Ước tính",
    ],
    task_headers: [
        "Mã nhiệm vụ",
        "Ngành",
        "Nội dung",
        "Hạn",
        "Trạng thái",
        "Ngày hoàn thành",
        "Ngày cập nhật",
        "Ghi chú",
        "Nguồn",
    ],
    yes_no: ["có", "không"],
    states: [
        "Chưa bắt đầu",
        "Đang thực hiện",
        "Hoàn thành",
        "Hoàn thành muộn",
        "Quá hạn",
    ],
};

const EN: Words = Words {
    figures: "figures",
    tasks: "tasks",
    lists: "lists",
    figure_headers: [
        "indicator",
        "sector",
        "name",
        "unit",
        "target",
        "latest figure",
        "period",
        "value",
        "as_of",
        "source",
        "note",
        "provisional",
    ],
    task_headers: [
        "task", "sector", "text", "due", "status", "done_on", "date", "note", "source",
    ],
    yes_no: ["yes", "no"],
    states: ["not_started", "in_progress", "done", "done_late", "overdue"],
};

/// Every period a figure of plan year `year` may report on, in the order editors look for them.
fn periods(year: i32) -> Vec<String> {
    let mut out = vec![year.to_string()];
    out.extend((1..=4).map(|q| format!("{year}-Q{q}")));
    out.extend((1..=2).map(|h| format!("{year}-H{h}")));
    out.extend((2..=11).map(|n| format!("{year}-{n}M")));
    out.extend((1..=12).map(|m| format!("{year}-{m:02}")));
    out
}

/// The workbook for `plan`, as the bytes of an .xlsx file.
pub fn workbook(plan: &Plan, lang: &Lang, english: bool) -> Result<Vec<u8>, XlsxError> {
    let words = if english { &EN } else { &VI };
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_background_color("#1F4E79")
        .set_font_color("#FFFFFF")
        .set_text_wrap()
        .set_border_bottom(FormatBorder::Thin);
    let reference = Format::new()
        .set_background_color("#EEEEEE")
        .set_text_wrap();
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("dd/mm/yyyy");

    let lists = lists_sheet(plan, words)?;
    let year_start = NaiveDate::from_ymd_opt(plan.year, 1, 1).unwrap_or_default();
    let next_end = NaiveDate::from_ymd_opt(plan.year + 1, 12, 31).unwrap_or_default();
    let dates = DataValidation::new()
        .allow_date(DataValidationRule::Between(&year_start, &next_end))
        .set_error_message(format!(
            "{} {} – {}",
            if english {
                "A date between"
            } else {
                "Nhập ngày trong khoảng"
            },
            year_start.format("%d/%m/%Y"),
            next_end.format("%d/%m/%Y")
        ))?;
    let list = |column: &str, count: usize| {
        let range = format!("='{}'!${column}$2:${column}${}", words.lists, count + 1);
        DataValidation::new().allow_list_formula(Formula::new(range))
    };
    let period_list = list("A", periods(plan.year).len());
    let yes_no = list("B", 2);
    let states = list("C", words.states.len());
    let sources =
        list("D", plan.sources.len().max(1)).set_error_style(DataValidationErrorStyle::Information);

    let sheet = book.add_worksheet();
    sheet.set_name(words.figures)?;
    headers(
        sheet,
        &words.figure_headers,
        &header,
        &[16, 22, 40, 10, 16, 24, 12, 12, 14, 16, 30, 10],
    )?;
    let row = indicator_rows(sheet, plan, lang, words, &reference)?;
    let last = row.max(2) + 200;
    sheet.set_column_format(6, &text)?;
    sheet.set_column_format(8, &date)?;
    sheet.add_data_validation(1, 6, last, 6, &period_list)?;
    sheet.add_data_validation(1, 8, last, 8, &dates)?;
    sheet.add_data_validation(1, 9, last, 9, &sources)?;
    sheet.add_data_validation(1, 11, last, 11, &yes_no)?;
    sheet.set_freeze_panes(1, 1)?;

    let sheet = book.add_worksheet();
    sheet.set_name(words.tasks)?;
    headers(
        sheet,
        &words.task_headers,
        &header,
        &[16, 22, 50, 12, 18, 14, 14, 40, 16],
    )?;
    let row = task_rows(sheet, plan, &reference)?;
    let last = row.max(2) + 200;
    sheet.set_column_format(5, &date)?;
    sheet.set_column_format(6, &date)?;
    sheet.add_data_validation(1, 4, last, 4, &states)?;
    sheet.add_data_validation(1, 5, last, 6, &dates)?;
    sheet.add_data_validation(1, 8, last, 8, &sources)?;
    sheet.set_freeze_panes(1, 1)?;

    book.push_worksheet(lists);
    book.save_to_buffer()
}

/// One row per indicator: its id, then shaded reference cells (sector, name, unit, target,
/// latest figure). Returns the next free row.
fn indicator_rows(
    sheet: &mut Worksheet,
    plan: &Plan,
    lang: &Lang,
    words: &Words,
    reference: &Format,
) -> Result<u32, XlsxError> {
    let mut row = 1;
    for s in &plan.sectors {
        for i in &s.indicators {
            let latest = i.actuals.last().map(|a| {
                let value = match a.value {
                    Value::Number(v) => lang.number(v),
                    Value::Reached(b) => {
                        (if b { words.yes_no[0] } else { words.yes_no[1] }).to_string()
                    }
                };
                format!(
                    "{value} ({}, {})",
                    a.period.code(),
                    a.as_of.format("%d/%m/%Y")
                )
            });
            sheet.write_string(row, 0, &i.id)?;
            let cells = [
                s.name.clone(),
                i.name.clone(),
                i.unit.clone(),
                lang.target(&i.target, &i.unit).replace('\u{a0}', " "),
                latest.unwrap_or_default(),
            ];
            for (k, v) in cells.iter().enumerate() {
                sheet.write_string_with_format(row, 1 + k as u16, v, reference)?;
            }
            row += 1;
        }
    }
    Ok(row)
}

/// One row per task: its id, then its sector, text and deadline, shaded. Returns the next
/// free row.
fn task_rows(sheet: &mut Worksheet, plan: &Plan, reference: &Format) -> Result<u32, XlsxError> {
    let mut row = 1;
    for s in &plan.sectors {
        for t in &s.tasks {
            sheet.write_string(row, 0, &t.id)?;
            let due = t.due.format("%d/%m/%Y").to_string();
            for (k, v) in [&s.name, &t.text, &due].iter().enumerate() {
                sheet.write_string_with_format(row, 1 + k as u16, *v, reference)?;
            }
            row += 1;
        }
    }
    Ok(row)
}

/// The header row, bold on a dark band, with column widths.
fn headers(
    sheet: &mut Worksheet,
    names: &[&str],
    format: &Format,
    widths: &[u16],
) -> Result<(), XlsxError> {
    for (k, (name, width)) in names.iter().zip(widths).enumerate() {
        let col = k as u16;
        sheet.write_string_with_format(0, col, *name, format)?;
        sheet.set_column_width(col, f64::from(*width))?;
    }
    sheet.set_row_height(0, 30)?;
    Ok(())
}

/// The hidden sheet the validation lists read: periods, yes/no, task states, source keys.
fn lists_sheet(plan: &Plan, words: &Words) -> Result<Worksheet, XlsxError> {
    let mut sheet = Worksheet::new();
    sheet.set_name(words.lists)?;
    let columns: [(&str, Vec<String>); 4] = [
        (words.figure_headers[6], periods(plan.year)),
        (
            words.figure_headers[11],
            words.yes_no.iter().map(|s| s.to_string()).collect(),
        ),
        (
            words.task_headers[4],
            words.states.iter().map(|s| s.to_string()).collect(),
        ),
        (
            words.figure_headers[9],
            plan.sources.keys().cloned().collect(),
        ),
    ];
    for (k, (name, values)) in columns.iter().enumerate() {
        let col = k as u16;
        sheet.write_string(0, col, *name)?;
        for (r, v) in values.iter().enumerate() {
            sheet.write_string(1 + r as u32, col, v)?;
        }
    }
    sheet.set_hidden(true);
    Ok(sheet)
}
