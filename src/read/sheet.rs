//! Reported figures and task updates kept in a spreadsheet beside a plan's YAML:
//! `<plan>/updates.xlsx` or `updates.ods` (sheet "Số liệu"/"figures", and optionally
//! "Nhiệm vụ"/"tasks"), or `<plan>/figures.csv` and `tasks.csv` (UTF-8 with or without BOM,
//! `,` or `;` separated, as Vietnamese Excel saves them). The first non-empty row names the
//! columns, in Vietnamese or English; other columns (names, units, targets the template shows
//! for reference) are ignored, and so are rows with nothing reported. Each cell becomes text
//! in the YAML form (`7,38` in a text cell is 7.38 here: a spreadsheet may use the decimal
//! comma), with its row and column, so `validate` checks it like a YAML figure and reports
//! problems as `file:row:column`, naming the cell.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader as _};
use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;

use crate::diagnostic::Diagnostic;
use crate::input::{ActualValue, TaskState};

/// Where a value was written: 1-based row and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cell {
    /// Row.
    pub row: usize,
    /// Column (A = 1).
    pub col: usize,
}

impl Cell {
    /// The cell's name as a spreadsheet shows it: `C5`.
    pub fn name(&self) -> String {
        format!("{}{}", column_letters(self.col), self.row)
    }
}

/// Column letters: 1 → A, 27 → AA.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        out.push(b'A' + u8::try_from(rem).unwrap_or(0));
        col = (col - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// One reported figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    /// The row's first cell.
    pub at: Cell,
    /// Indicator id.
    pub indicator: (String, Cell),
    /// Period, as YAML writes it.
    pub period: (String, Cell),
    /// The figure.
    pub value: (ActualValue, Cell),
    /// Publication date, `YYYY-MM-DD`.
    pub as_of: (String, Cell),
    /// Source key, URL or citation.
    pub source: Option<(String, Cell)>,
    /// Note.
    pub note: Option<String>,
    /// Estimate (`true`), final (`false`), or not said.
    pub provisional: Option<bool>,
}

impl FigureRow {
    /// The figure as the editor typed it, for messages.
    pub fn value_text(&self) -> String {
        match self.value.0 {
            ActualValue::Number(v) => v.to_string(),
            ActualValue::Reached(b) => b.to_string(),
        }
    }
}

/// One task's reported state.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// The row's first cell.
    pub at: Cell,
    /// Task id.
    pub task: (String, Cell),
    /// Reported state.
    pub status: Option<(TaskState, Cell)>,
    /// Completion date, `YYYY-MM-DD`.
    pub done_on: Option<(String, Cell)>,
    /// Progress note: date, text, source.
    pub update: Option<UpdateRow>,
}

/// A task's progress note from a spreadsheet row.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRow {
    /// Date, `YYYY-MM-DD`.
    pub date: (String, Cell),
    /// Text.
    pub note: String,
    /// Source key, URL or citation.
    pub source: Option<(String, Cell)>,
}

/// Rows read from one sheet (or CSV file).
#[derive(Debug, Clone, PartialEq)]
pub struct Rows<T> {
    /// The file.
    pub file: PathBuf,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// Rows with something reported.
    pub rows: Vec<T>,
}

impl<T> Rows<T> {
    /// Where its cells are, for messages.
    pub fn place(&self) -> Place<'_> {
        Place {
            sheet: self.sheet.as_deref(),
        }
    }
}

/// A sheet of a workbook, or a CSV file (no sheet): how messages name its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place<'a> {
    /// The sheet's name, for a workbook.
    pub sheet: Option<&'a str>,
}

impl Place<'_> {
    /// "sheet `Số liệu`, cell C5", or "cell C5" in a CSV file.
    pub fn cell(&self, at: Cell) -> String {
        match self.sheet {
            Some(s) => format!("sheet `{s}`, cell {}", at.name()),
            None => format!("cell {}", at.name()),
        }
    }
}

/// What a plan's spreadsheets report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Updates {
    /// Figures.
    pub figures: Option<Rows<FigureRow>>,
    /// Task updates.
    pub tasks: Option<Rows<TaskRow>>,
}

/// The workbook file names a plan folder may hold (one at most).
pub const WORKBOOKS: [&str; 2] = ["updates.xlsx", "updates.ods"];
/// The CSV files a plan folder may hold instead.
pub const CSV_FILES: [&str; 2] = ["figures.csv", "tasks.csv"];

/// Names a figures sheet may have (compared as slugs), and a tasks sheet.
const FIGURE_SHEETS: [&str; 3] = ["so-lieu", "figures", "chi-tieu"];
const TASK_SHEETS: [&str; 2] = ["nhiem-vu", "tasks"];

/// A cell's value, as read.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    Date(NaiveDate),
}

/// A row of a sheet: its number and its cells.
type Row = (usize, Vec<Value>);

/// A sheet's rows (cell `j` of a row is in column `first_col + j`).
struct Table {
    rows: Vec<Row>,
    first_col: usize,
}

/// Which spreadsheets plan folder `dir` holds: a workbook, or CSV files (or nothing). More
/// than one workbook, or a workbook and CSV files, is an error: figures belong in one place.
pub fn find(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let present = |names: &[&str]| -> Vec<PathBuf> {
        names
            .iter()
            .map(|f| dir.join(f))
            .filter(|p| p.is_file())
            .collect()
    };
    let (books, csvs) = (present(&WORKBOOKS), present(&CSV_FILES));
    if books.len() + usize::from(!csvs.is_empty()) > 1 {
        let found: Vec<String> = books
            .iter()
            .chain(&csvs)
            .map(|p| p.display().to_string())
            .collect();
        return Err(Diagnostic::error(&books[0], 0, 0, format!("this plan has more than one spreadsheet of updates: {}", found.join(", ")))
            .with_hint("keep the figures in one place: one workbook (updates.xlsx or updates.ods) or the CSV files"));
    }
    Ok(if books.is_empty() { csvs } else { books })
}

/// Reads a CSV file of figures (`figures.csv`) or task updates (`tasks.csv`) into `updates`.
pub fn read_csv(path: &Path, text: &str, updates: &mut Updates, diags: &mut Vec<Diagnostic>) {
    let Some(table) = csv_table(path, text, diags) else {
        return;
    };
    if path.file_name().is_some_and(|n| n == "tasks.csv") {
        updates.tasks = task_rows(path, None, &table, diags);
    } else {
        updates.figures = figure_rows(path, None, &table, diags);
    }
}

/// Reads a workbook's figures sheet (the one named so, else the first) and tasks sheet.
pub fn read_workbook(path: &Path, bytes: Vec<u8>, diags: &mut Vec<Diagnostic>) -> Option<Updates> {
    let mut book = match calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::error(path, 0, 0, format!("cannot read this spreadsheet: {e}"))
                    .with_hint("save it again from Excel or LibreOffice as .xlsx (or .ods), or make a new one with `tiendo template`"),
            );
            return None;
        }
    };
    let names = book.sheet_names();
    let named = |wanted: &[&str]| {
        names
            .iter()
            .find(|n| wanted.contains(&crate::slug::slugify(n).as_str()))
            .cloned()
    };
    let tasks = named(&TASK_SHEETS);
    // The figures: the sheet named so, else the first sheet that is not the tasks'.
    let figures = named(&FIGURE_SHEETS)
        .or_else(|| names.iter().find(|n| Some(*n) != tasks.as_ref()).cloned());
    let tasks = tasks.filter(|t| Some(t) != figures.as_ref());
    let mut read = |name: &str, diags: &mut Vec<Diagnostic>| match book.worksheet_range(name) {
        Ok(range) => Some(range_table(&range)),
        Err(e) => {
            diags.push(Diagnostic::error(path, 0, 0, format!("cannot read sheet `{name}`: {e}")).with_hint(
                "save the workbook again from Excel or LibreOffice, or make a new one with `tiendo template`",
            ));
            None
        }
    };
    let mut updates = Updates::default();
    if let Some(name) = figures {
        let table = read(&name, diags)?;
        updates.figures = figure_rows(path, Some(&name), &table, diags);
    }
    if let Some(name) = tasks {
        let table = read(&name, diags)?;
        updates.tasks = task_rows(path, Some(&name), &table, diags);
    }
    Some(updates)
}

fn range_table(range: &calamine::Range<Data>) -> Table {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let values = cells.iter().map(cell_value).collect();
            (usize::try_from(row0).unwrap_or(0) + i + 1, values)
        })
        .collect();
    Table {
        rows,
        first_col: usize::try_from(col0).unwrap_or(0) + 1,
    }
}

fn cell_value(d: &Data) -> Value {
    match d {
        Data::Empty | Data::Error(_) => Value::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let s: String = s.nfc().collect();
            if s.trim().is_empty() {
                Value::Empty
            } else {
                Value::Text(s)
            }
        }
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map_or(Value::Number(dt.as_f64()), |t| Value::Date(t.date())),
    }
}

/// Reads a CSV file: `,` or `;` separated (whichever the header row uses more).
fn csv_table(path: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Table> {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = if header.matches(';').count() > header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in csv.records() {
        match record {
            Ok(r) => {
                let line = r
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                let values = r
                    .iter()
                    .map(|f| {
                        if f.trim().is_empty() {
                            Value::Empty
                        } else {
                            Value::Text(f.to_string())
                        }
                    })
                    .collect();
                rows.push((line, values));
            }
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                diags.push(
                    Diagnostic::error(path, line, 1, format!("this line cannot be read as CSV: {e}"))
                        .with_source(text)
                        .with_hint("check the quotes on this line: a cell with a comma or a line break is written in double quotes"),
                );
                return None;
            }
        }
    }
    Some(Table { rows, first_col: 1 })
}

/// The columns a sheet of figures may have, with the names accepted for each (as slugs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Col {
    Indicator,
    Period,
    Value,
    AsOf,
    Source,
    Note,
    Provisional,
    Task,
    Status,
    DoneOn,
    Date,
}

impl Col {
    /// The column's name in the template, in Vietnamese and in English.
    fn label(self) -> String {
        let (vi, en) = match self {
            Col::Indicator => ("Mã chỉ tiêu", "indicator"),
            Col::Period => ("Kỳ", "period"),
            Col::Value => ("Giá trị", "value"),
            Col::AsOf => ("Ngày công bố", "as_of"),
            Col::Source => ("Nguồn", "source"),
            Col::Note => ("Ghi chú", "note"),
            Col::Provisional => ("Ước tính", "provisional"),
            Col::Task => ("Mã nhiệm vụ", "task"),
            Col::Status => ("Trạng thái", "status"),
            Col::DoneOn => ("Ngày hoàn thành", "done_on"),
            Col::Date => ("Ngày cập nhật", "date"),
        };
        format!("“{vi}” ({en})")
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Col::Indicator => &["indicator", "ma-chi-tieu"],
            Col::Period => &["period", "ky", "ky-bao-cao"],
            Col::Value => &["value", "gia-tri", "so-lieu"],
            Col::AsOf => &["as-of", "published", "ngay-cong-bo"],
            Col::Source => &["source", "nguon"],
            Col::Note => &["note", "ghi-chu"],
            Col::Provisional => &["provisional", "uoc-tinh"],
            Col::Task => &["task", "ma-nhiem-vu"],
            Col::Status => &["status", "trang-thai"],
            Col::DoneOn => &["done-on", "ngay-hoan-thanh"],
            Col::Date => &["date", "ngay-cap-nhat"],
        }
    }
}

/// Columns a figures sheet must have, and may have.
const FIGURE_COLUMNS: [Col; 7] = [
    Col::Indicator,
    Col::Period,
    Col::Value,
    Col::AsOf,
    Col::Source,
    Col::Note,
    Col::Provisional,
];
const FIGURE_REQUIRED: [Col; 4] = [Col::Indicator, Col::Period, Col::Value, Col::AsOf];
const TASK_COLUMNS: [Col; 6] = [
    Col::Task,
    Col::Status,
    Col::DoneOn,
    Col::Date,
    Col::Note,
    Col::Source,
];

/// Headers of the template's reference columns (as slugs), which are not read.
const REFERENCE: [&str; 14] = [
    "nganh",
    "sector",
    "ten-chi-tieu",
    "name",
    "don-vi",
    "unit",
    "muc-tieu",
    "target",
    "so-gan-nhat",
    "latest-figure",
    "noi-dung",
    "text",
    "han",
    "due",
];

/// A sheet being turned into rows: its header and where problems go.
struct Sheet<'a> {
    file: &'a Path,
    name: Option<&'a str>,
    columns: BTreeMap<Col, usize>,
    first_col: usize,
    /// Cells the header names (a row with more has lost a cell boundary).
    width: usize,
    diags: &'a mut Vec<Diagnostic>,
}

impl<'a> Sheet<'a> {
    /// Finds the header (the first row with any text) and the columns in it; reports a
    /// missing required column.
    fn open(
        file: &'a Path,
        name: Option<&'a str>,
        table: &'a Table,
        wanted: &[Col],
        required: &[Col],
        diags: &'a mut Vec<Diagnostic>,
    ) -> Option<(Sheet<'a>, &'a [Row])> {
        let at = table
            .rows
            .iter()
            .position(|(_, cells)| cells.iter().any(|c| *c != Value::Empty))?;
        let (header_row, header) = &table.rows[at];
        let mut columns = BTreeMap::new();
        let mut unread = Vec::new();
        for (j, cell) in header.iter().enumerate() {
            let Value::Text(text) = cell else { continue };
            let slug = crate::slug::slugify(text);
            if let Some(col) = wanted.iter().find(|c| c.names().contains(&slug.as_str())) {
                columns.entry(*col).or_insert(j);
            } else if !REFERENCE.contains(&slug.as_str()) {
                unread.push((j, text.clone()));
            }
        }
        let width = header
            .iter()
            .rposition(|c| *c != Value::Empty)
            .map_or(0, |j| j + 1);
        let sheet = Sheet {
            file,
            name,
            columns,
            first_col: table.first_col,
            width,
            diags,
        };
        for (j, text) in unread {
            let at = Cell {
                row: *header_row,
                col: table.first_col + j,
            };
            let read: Vec<String> = wanted.iter().map(|c| c.label()).collect();
            let message = format!("{}: the column “{text}” is not read", sheet.where_(at));
            sheet.diags.push(
                Diagnostic::warning(sheet.file, at.row, at.col, message).with_hint(format!(
                    "tiendo reads the columns {}; rename this one if it holds one of them",
                    read.join(", ")
                )),
            );
        }
        let missing: Vec<String> = required
            .iter()
            .filter(|c| !sheet.columns.contains_key(c))
            .map(|c| c.label())
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = required.iter().map(|c| c.label()).collect();
            let at = Cell {
                row: *header_row,
                col: table.first_col,
            };
            sheet.diags.push(
                Diagnostic::error(
                    sheet.file,
                    at.row,
                    at.col,
                    format!(
                        "{}: the header row has no column {}",
                        sheet.where_(at),
                        missing.join(" or ")
                    ),
                )
                .with_hint(format!(
                    "the first row names the columns; it needs {}, in any order",
                    names.join(", ")
                )),
            );
            return None;
        }
        Some((sheet, &table.rows[at + 1..]))
    }

    fn where_(&self, at: Cell) -> String {
        Place { sheet: self.name }.cell(at)
    }

    /// The value in column `col` of a row, with its cell.
    fn get<'r>(&self, row: usize, cells: &'r [Value], col: Col) -> (&'r Value, Cell) {
        let j = self.columns.get(&col).copied();
        let value = j.and_then(|j| cells.get(j)).unwrap_or(&Value::Empty);
        let at = Cell {
            row,
            col: self.first_col + j.unwrap_or(0),
        };
        (value, at)
    }

    /// Whether a row is left out: nothing in its `reported` columns (a template row nobody
    /// filled), or cells beyond the header, which are reported.
    fn skips(&mut self, row: usize, cells: &[Value], reported: &[Col]) -> bool {
        self.overflows(row, cells)
            || reported
                .iter()
                .all(|c| *self.get(row, cells, *c).0 == Value::Empty)
    }

    /// Reports a row with cells beyond the header (in a `,`-separated file, an unquoted
    /// decimal comma splits a number in two); true when it has some.
    fn overflows(&mut self, row: usize, cells: &[Value]) -> bool {
        let Some(j) = cells
            .iter()
            .skip(self.width)
            .position(|c| *c != Value::Empty)
        else {
            return false;
        };
        let at = Cell {
            row,
            col: self.first_col + self.width + j,
        };
        self.error(
            at,
            "this row has more cells than the header row names".into(),
            "a number with a decimal comma in a `,`-separated file splits in two: put it in quotes (\"7,38\"), or save the file with `;` between cells",
        );
        true
    }

    fn error(&mut self, at: Cell, message: String, hint: impl Into<String>) {
        let message = format!("{}: {message}", self.where_(at));
        self.diags
            .push(Diagnostic::error(self.file, at.row, at.col, message).with_hint(hint));
    }

    /// A text cell (numbers are written as they are).
    fn text(&mut self, value: &Value, at: Cell, what: &str) -> Option<String> {
        let text = match value {
            Value::Empty => return None,
            Value::Text(t) => t.trim().to_string(),
            Value::Number(n) => format_number(*n),
            Value::Bool(b) => b.to_string(),
            Value::Date(d) => d.to_string(),
        };
        if let Some(c) = text.chars().find(|c| crate::control::is_refused(*c)) {
            self.error(
                at,
                format!(
                    "the {what} holds the control character {}",
                    crate::control::name(c)
                ),
                crate::control::HINT,
            );
            return None;
        }
        Some(text)
    }

    /// A date: a date cell, `YYYY-MM-DD` or `DD/MM/YYYY`.
    fn date(&mut self, value: &Value, at: Cell, what: &str) -> Option<String> {
        let parsed = match value {
            Value::Empty => return None,
            Value::Date(d) => Some(*d),
            Value::Text(t) => {
                let t = t.trim();
                NaiveDate::parse_from_str(t, "%Y-%m-%d")
                    .or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y"))
                    .ok()
            }
            _ => None,
        };
        if parsed.is_none() {
            let shown = self.text(value, at, what).unwrap_or_default();
            self.error(
                at,
                format!("`{shown}` is not a date ({what})"),
                "type a date (e.g. 24/12/2024, or 2024-12-24), and check the day exists in that month",
            );
        }
        parsed.map(|d| d.to_string())
    }

    /// A period: text such as `2024-Q3`; a year typed as a number; a date cell on the 1st of
    /// a month (Excel turns a typed `2024-06` into one) is that month.
    fn period(&mut self, value: &Value, at: Cell) -> Option<String> {
        match value {
            Value::Date(d) if chrono::Datelike::day(d) == 1 => Some(d.format("%Y-%m").to_string()),
            Value::Date(d) => {
                self.error(
                    at,
                    format!("the period is the date {d}, not a period"),
                    "format the cell as text and write the period, e.g. 2024-Q3, 2024-9M or 2024-06",
                );
                None
            }
            other => self.text(other, at, "period"),
        }
    }

    /// A figure: a number cell; `true`/`false` (or `đạt`/`chưa đạt`) for a milestone; or a
    /// number written as text with a decimal comma or point.
    fn figure(&mut self, value: &Value, at: Cell) -> Option<ActualValue> {
        match value {
            Value::Empty => None,
            Value::Number(n) => Some(ActualValue::Number(*n)),
            Value::Bool(b) => Some(ActualValue::Reached(*b)),
            Value::Date(d) => {
                self.error(
                    at,
                    format!("the value is the date {d}"),
                    "format the cell as a number and type the figure again",
                );
                None
            }
            Value::Text(t) => match number_text(t) {
                Ok(v) => Some(v),
                Err(hint) => {
                    self.error(at, format!("`{}` is not a figure", t.trim()), hint);
                    None
                }
            },
        }
    }

    /// `provisional`: yes/no in either language, or a tick.
    fn yes_no(&mut self, value: &Value, at: Cell) -> Option<bool> {
        let text = match value {
            Value::Empty => return None,
            Value::Bool(b) => return Some(*b),
            Value::Number(n) if *n == 1.0 || *n == 0.0 => return Some(*n == 1.0),
            other => self.text(other, at, "provisional").unwrap_or_default(),
        };
        match crate::slug::slugify(&text).as_str() {
            "x" | "co" | "yes" | "true" | "uoc-tinh" | "uoc" | "1" => Some(true),
            "khong" | "no" | "false" | "chinh-thuc" | "0" => Some(false),
            _ => {
                self.error(
                    at,
                    format!("`{text}` is not yes or no"),
                    "write `có` (an estimate) or `không` (a final figure), or leave it empty",
                );
                None
            }
        }
    }
}

/// A number written as text: `7.38`, `7,38` (decimal comma), `1.234,5`, `1 234,5`; `true` or
/// `false`, `đạt` or `chưa đạt`. `50.400` is refused: in Vietnamese it is fifty thousand four
/// hundred, in English fifty point four.
fn number_text(text: &str) -> Result<ActualValue, String> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    match crate::slug::slugify(text).as_str() {
        "true" | "dat" | "da-dat" | "co" => return Ok(ActualValue::Reached(true)),
        "false" | "chua-dat" | "khong" => return Ok(ActualValue::Reached(false)),
        _ => {}
    }
    let fix = "type the figure as a number, e.g. 7,38 or 7.38 (without units or %)";
    let (dots, commas) = (t.matches('.').count(), t.matches(',').count());
    // The decimal mark is the last separator when both kinds appear, or a lone one; any other
    // separator groups thousands and must be followed by exactly three digits each time.
    let decimal = match (dots, commas) {
        (0, 0) => None,
        (1, 0) => Some('.'),
        (0, 1) => Some(','),
        (_, 0) | (0, _) => None,
        _ => t.rfind([',', '.']).and_then(|i| t[i..].chars().next()),
    };
    let (int, frac) = match decimal {
        Some(d) => t.rsplit_once(d).map_or((t.as_str(), ""), |(i, f)| (i, f)),
        None => (t.as_str(), ""),
    };
    // `50.400` and `50,400` alone: thousands in one convention, a decimal in the other.
    let whole = int.trim_start_matches('-');
    if (dots + commas == 1) && frac.len() == 3 && whole.len() <= 3 && whole != "0" {
        let digits = t.replace(['.', ','], "");
        return Err(format!(
            "`{t}` could be {digits} or {int}.{frac}: type it as a number cell, or write it \
             without the separator ({digits}) or with three decimals written out ({int},{frac}0)"
        ));
    }
    let mut groups = int.split(['.', ',']);
    let first = groups.next().unwrap_or("");
    let grouped_ok = groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()));
    let sign_digits = first.trim_start_matches('-');
    if !grouped_ok || (int.contains(['.', ',']) && !(1..=3).contains(&sign_digits.len())) {
        return Err(format!("`{t}` is not a number: {fix}"));
    }
    let plain = format!(
        "{}{}{}",
        int.replace(['.', ','], ""),
        if frac.is_empty() { "" } else { "." },
        frac
    );
    plain
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(ActualValue::Number)
        .ok_or_else(|| fix.to_string())
}

/// A number as YAML would write it (`2024`, not `2024.0`).
fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// The figures of a sheet: rows with any reported value.
fn figure_rows(
    file: &Path,
    name: Option<&str>,
    table: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<Rows<FigureRow>> {
    let (mut sheet, body) =
        Sheet::open(file, name, table, &FIGURE_COLUMNS, &FIGURE_REQUIRED, diags)?;
    let mut rows = Vec::new();
    let reported = [
        Col::Period,
        Col::Value,
        Col::AsOf,
        Col::Source,
        Col::Note,
        Col::Provisional,
    ];
    for (row, cells) in body {
        if sheet.skips(*row, cells, &reported) {
            continue;
        }
        let get = |col| sheet.get(*row, cells, col);
        let (id_v, id_at) = get(Col::Indicator);
        let (p_v, p_at) = get(Col::Period);
        let (v_v, v_at) = get(Col::Value);
        let (d_v, d_at) = get(Col::AsOf);
        let (s_v, s_at) = get(Col::Source);
        let (n_v, n_at) = get(Col::Note);
        let (x_v, x_at) = get(Col::Provisional);
        let indicator = sheet.text(id_v, id_at, "indicator");
        let period = sheet.period(p_v, p_at);
        let value = sheet.figure(v_v, v_at);
        let as_of = sheet.date(d_v, d_at, "the publication date");
        let source = sheet.text(s_v, s_at, "source");
        let note = sheet.text(n_v, n_at, "note");
        let provisional = sheet.yes_no(x_v, x_at);
        for (missing, at, what, hint) in [
            (
                indicator.is_none(),
                id_at,
                "indicator id",
                "copy the id from the sector file or from the template",
            ),
            (
                period.is_none() && *p_v == Value::Empty,
                p_at,
                "period",
                "write the period, e.g. 2024-Q3, 2024-9M or 2024",
            ),
            (
                value.is_none() && *v_v == Value::Empty,
                v_at,
                "value",
                "type the reported figure, or delete the row",
            ),
            (
                as_of.is_none() && *d_v == Value::Empty,
                d_at,
                "publication date",
                "type the date the figure was published, e.g. 24/12/2024",
            ),
        ] {
            if missing && (what != "indicator id" || *id_v == Value::Empty) {
                sheet.error(at, format!("this row has no {what}"), hint);
            }
        }
        if let (Some(i), Some(p), Some(v), Some(d)) = (indicator, period, value, as_of) {
            rows.push(FigureRow {
                at: Cell {
                    row: *row,
                    col: table.first_col,
                },
                indicator: (i, id_at),
                period: (p, p_at),
                value: (v, v_at),
                as_of: (d, d_at),
                source: source.map(|s| (s, s_at)),
                note,
                provisional,
            });
        }
    }
    Some(Rows {
        file: file.to_path_buf(),
        sheet: name.map(str::to_string),
        rows,
    })
}

/// A task state in either language: `done`, `Hoàn thành`, `đang thực hiện` …
fn task_state(text: &str) -> Option<TaskState> {
    Some(match crate::slug::slugify(text).as_str() {
        "not-started" | "chua-bat-dau" | "chua-thuc-hien" => TaskState::NotStarted,
        "in-progress" | "dang-thuc-hien" | "dang-trien-khai" => TaskState::InProgress,
        "done" | "hoan-thanh" | "da-hoan-thanh" => TaskState::Done,
        "done-late" | "hoan-thanh-muon" | "hoan-thanh-tre-han" => TaskState::DoneLate,
        "overdue" | "qua-han" | "tre-han" => TaskState::Overdue,
        _ => return None,
    })
}

/// The task updates of a sheet: rows with a state or a note.
fn task_rows(
    file: &Path,
    name: Option<&str>,
    table: &Table,
    diags: &mut Vec<Diagnostic>,
) -> Option<Rows<TaskRow>> {
    let (mut sheet, body) = Sheet::open(file, name, table, &TASK_COLUMNS, &[Col::Task], diags)?;
    let mut rows = Vec::new();
    let reported = [Col::Status, Col::DoneOn, Col::Date, Col::Note, Col::Source];
    for (row, cells) in body {
        if sheet.skips(*row, cells, &reported) {
            continue;
        }
        let get = |col| sheet.get(*row, cells, col);
        let (id_v, id_at) = get(Col::Task);
        let (st_v, st_at) = get(Col::Status);
        let (done_v, done_at) = get(Col::DoneOn);
        let (date_v, date_at) = get(Col::Date);
        let (note_v, note_at) = get(Col::Note);
        let (src_v, src_at) = get(Col::Source);
        let Some(task) = sheet.text(id_v, id_at, "task") else {
            sheet.error(
                id_at,
                "this row has no task id".into(),
                "copy the id from the sector file or from the template",
            );
            continue;
        };
        let status = match sheet.text(st_v, st_at, "status") {
            None => None,
            Some(t) => match task_state(&t) {
                Some(s) => Some((s, st_at)),
                None => {
                    sheet.error(
                        st_at,
                        format!("`{t}` is not a task status"),
                        "write one of: Chưa bắt đầu, Đang thực hiện, Hoàn thành, Hoàn thành muộn, Quá hạn (or not_started, in_progress, done, done_late, overdue)",
                    );
                    continue;
                }
            },
        };
        let done_on = sheet
            .date(done_v, done_at, "the completion date")
            .map(|d| (d, done_at));
        let date = sheet.date(date_v, date_at, "the progress note's date");
        let note = sheet.text(note_v, note_at, "note");
        let source = sheet.text(src_v, src_at, "source").map(|s| (s, src_at));
        let update = match (date, note) {
            (Some(d), Some(n)) => Some(UpdateRow {
                date: (d, date_at),
                note: n,
                source,
            }),
            (None, None) => None,
            (None, Some(_)) => {
                sheet.error(
                    date_at,
                    "this progress note has no date".into(),
                    "type the date of the report it comes from, e.g. 24/12/2024",
                );
                continue;
            }
            (Some(_), None) => {
                sheet.error(
                    note_at,
                    "this row has a date but no progress note".into(),
                    "write what the report says about the task",
                );
                continue;
            }
        };
        rows.push(TaskRow {
            at: Cell {
                row: *row,
                col: table.first_col,
            },
            task: (task, id_at),
            status,
            done_on,
            update,
        });
    }
    Some(Rows {
        file: file.to_path_buf(),
        sheet: name.map(str::to_string),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(Cell { row: 5, col: 3 }.name(), "C5");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }

    #[test]
    fn figures_written_as_text_read_in_either_convention() {
        let n = |t: &str| match number_text(t) {
            Ok(ActualValue::Number(v)) => Some(v),
            _ => None,
        };
        assert_eq!(n("7,38"), Some(7.38));
        assert_eq!(n("7.38"), Some(7.38));
        assert_eq!(n("1.234,5"), Some(1234.5));
        assert_eq!(n("1,234.5"), Some(1234.5));
        assert_eq!(n("50 400"), Some(50400.0));
        assert_eq!(n("-3,5"), Some(-3.5));
        assert_eq!(n("1.234.567"), Some(1_234_567.0));
        assert!(
            number_text("50.400").unwrap_err().contains("50400"),
            "ambiguous"
        );
        assert!(number_text("7,38%").is_err());
        assert!(matches!(number_text("Đạt"), Ok(ActualValue::Reached(true))));
        assert!(matches!(
            number_text("chưa đạt"),
            Ok(ActualValue::Reached(false))
        ));
    }

    #[test]
    fn task_states_in_either_language() {
        assert_eq!(task_state("Hoàn thành"), Some(TaskState::Done));
        assert_eq!(task_state("đang thực hiện"), Some(TaskState::InProgress));
        assert_eq!(task_state("done_late"), Some(TaskState::DoneLate));
        assert_eq!(task_state("xong"), None);
    }
}
