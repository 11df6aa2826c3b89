//! A document of headings, paragraphs, lists and tables, and how it is written as a Word file.

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, Style, StyleType, TableCell,
    TableRow, WidthType,
};

use crate::{Cell, Result, Table};

/// A part of a document, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document's title, centred.
    Title(String),
    Heading(String),
    Subheading(String),
    Paragraph(String),
    /// A line in small grey print: a date, a source, a note on the figures.
    Note(String),
    Bullets(Vec<String>),
    Table(Table),
}

/// A document as the office circulates it: A4, Chinese and Latin fonts set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    pub blocks: Vec<Block>,
}

/// A4 in twentieths of a point, Word's unit.
const A4_WIDTH: u32 = 11_906;
const A4_HEIGHT: u32 = 16_838;
/// 2.5 cm margins.
const MARGIN: i32 = 1_418;

impl Document {
    pub fn new() -> Document {
        Document::default()
    }

    pub fn push(&mut self, block: Block) -> &mut Document {
        self.blocks.push(block);
        self
    }

    /// The document as a .docx file.
    pub fn to_docx(&self) -> Result<Vec<u8>> {
        let fonts = RunFonts::new()
            .ascii("Calibri")
            .hi_ansi("Calibri")
            .east_asia("SimSun");
        let mut docx = Docx::new()
            .page_size(A4_WIDTH, A4_HEIGHT)
            .page_margin(
                PageMargin::new()
                    .top(MARGIN)
                    .bottom(MARGIN)
                    .left(MARGIN)
                    .right(MARGIN),
            )
            .default_fonts(fonts.clone())
            .default_size(21)
            .add_style(heading_style("Title", "Title", 36).align(AlignmentType::Center))
            .add_style(heading_style("Heading1", "heading 1", 28).outline_lvl(0))
            .add_style(heading_style("Heading2", "heading 2", 24).outline_lvl(1));
        let text_width = (A4_WIDTH as i32 - 2 * MARGIN) as usize;
        for block in &self.blocks {
            docx = match block {
                Block::Title(text) => docx.add_paragraph(styled(text, "Title")),
                Block::Heading(text) => docx.add_paragraph(styled(text, "Heading1")),
                Block::Subheading(text) => docx.add_paragraph(styled(text, "Heading2")),
                Block::Paragraph(text) => docx.add_paragraph(plain(text)),
                Block::Note(text) => docx.add_paragraph(
                    Paragraph::new().add_run(Run::new().add_text(text).size(18).color("666666")),
                ),
                Block::Bullets(items) => items.iter().fold(docx, |docx, item| {
                    docx.add_paragraph(plain(&format!("• {item}")).indent(
                        Some(360),
                        Some(docx_rs::SpecialIndentType::Hanging(240)),
                        None,
                        None,
                    ))
                }),
                Block::Table(table) if table.title.is_empty() => {
                    docx.add_table(word_table(table, text_width))
                }
                Block::Table(table) => docx
                    .add_paragraph(styled(&table.title, "Heading2"))
                    .add_table(word_table(table, text_width)),
            };
        }
        let mut bytes = Vec::new();
        docx.build()
            .pack(std::io::Cursor::new(&mut bytes))
            .map_err(|err| crate::Error::Docx(err.to_string()))?;
        Ok(bytes)
    }
}

fn heading_style(id: &str, name: &str, half_points: usize) -> Style {
    Style::new(id, StyleType::Paragraph)
        .name(name)
        .based_on("Normal")
        .next("Normal")
        .size(half_points)
        .bold()
}

fn styled(text: &str, style: &str) -> Paragraph {
    Paragraph::new()
        .add_run(Run::new().add_text(text))
        .style(style)
}

/// A paragraph, its line breaks kept.
fn plain(text: &str) -> Paragraph {
    let mut run = Run::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            run = run.add_break(docx_rs::BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    Paragraph::new().add_run(run)
}

fn word_table(table: &Table, text_width: usize) -> docx_rs::Table {
    let columns = table.columns.len().max(1);
    let width = text_width / columns;
    let cell = |text: &str, bold: bool, right: bool| {
        let mut run = Run::new().add_text(text).size(19);
        if bold {
            run = run.bold();
        }
        let mut paragraph = Paragraph::new().add_run(run);
        if right {
            paragraph = paragraph.align(AlignmentType::Right);
        }
        TableCell::new()
            .add_paragraph(paragraph)
            .width(width, WidthType::Dxa)
    };
    // A table of labels and values has no titles over its columns.
    let header = table
        .columns
        .iter()
        .any(|title| !title.is_empty())
        .then(|| TableRow::new(table.columns.iter().map(|t| cell(t, true, false)).collect()));
    let rows = table.rows.iter().map(|row| {
        TableRow::new(
            row.iter()
                .map(|value| {
                    let numeric = matches!(value, Cell::Int(_) | Cell::Number(_));
                    cell(&value.display(), false, numeric)
                })
                .collect(),
        )
    });
    docx_rs::Table::new(header.into_iter().chain(rows).collect())
        .set_grid(vec![width; columns])
        .width(text_width, WidthType::Dxa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The text of the document body, read back from the file as Word would.
    pub fn body_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn a_document_holds_its_headings_paragraphs_and_tables_in_order() {
        let mut table = Table::new("按类别 By kind", &["Kind", "2023"]);
        table.push(vec!["来访".into(), Cell::Int(12)]);
        let mut doc = Document::new();
        doc.push(Block::Title("2023 年度国际交流工作回顾".into()))
            .push(Block::Paragraph("First line\nSecond & <last> line".into()))
            .push(Block::Bullets(vec!["one".into(), "two".into()]))
            .push(Block::Table(table));
        let xml = body_xml(&doc.to_docx().unwrap());
        let order = [
            "2023 年度国际交流工作回顾",
            "First line",
            "Second &amp; &lt;last&gt; line",
            "• one",
            "• two",
            "按类别 By kind",
            "来访",
            ">12<",
        ];
        let mut from = 0;
        for text in order {
            let at = xml[from..]
                .find(text)
                .unwrap_or_else(|| panic!("{text} missing after byte {from}"));
            from += at;
        }
        assert!(xml.contains("<w:tbl>"));
        assert!(xml.contains("w:pgSz w:w=\"11906\" w:h=\"16838\""));
    }
}
