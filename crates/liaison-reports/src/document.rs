//! A document of headings, paragraphs, lists and tables, and how it is written as a Word file.

use docx_rs::{
    AlignmentType, Docx, PageMargin, Paragraph, Pic, Run, RunFonts, Style, StyleType, TableCell,
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
    /// A picture, as PNG with its size in pixels, scaled to the width of the text at most,
    /// with its caption below it.
    Picture {
        png: Vec<u8>,
        width: u32,
        height: u32,
        caption: String,
    },
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
                Block::Picture {
                    png,
                    width,
                    height,
                    caption,
                } => {
                    let docx = docx.add_paragraph(picture(png, *width, *height));
                    if caption.is_empty() {
                        docx
                    } else {
                        docx.add_paragraph(
                            Paragraph::new()
                                .add_run(Run::new().add_text(caption).size(18).color("666666")),
                        )
                    }
                }
            };
        }
        let mut bytes = Vec::new();
        docx.build()
            .pack(std::io::Cursor::new(&mut bytes))
            .map_err(|err| crate::Error::Docx(err.to_string()))?;
        Ok(bytes)
    }
}

/// English Metric Units, Word's unit for drawings, in a pixel at 96 dots per inch and in a
/// twentieth of a point.
const EMU_PER_PIXEL: u64 = 9_525;
const EMU_PER_TWIP: u64 = 635;

/// A paragraph holding a picture, as wide as the text at most and never taller than half the
/// page, its proportions kept.
fn picture(png: &[u8], width: u32, height: u32) -> Paragraph {
    let (width, height) = (u64::from(width.max(1)), u64::from(height.max(1)));
    let most_wide = (A4_WIDTH as u64 - 2 * MARGIN as u64) * EMU_PER_TWIP;
    let most_high = A4_HEIGHT as u64 * EMU_PER_TWIP / 2;
    let mut shown = (width * EMU_PER_PIXEL, height * EMU_PER_PIXEL);
    if shown.0 > most_wide {
        shown = (most_wide, most_wide * height / width);
    }
    if shown.1 > most_high {
        shown = (most_high * width / height, most_high);
    }
    let pic = Pic::new_with_dimensions(png.to_vec(), width as u32, height as u32)
        .size(shown.0 as u32, shown.1 as u32);
    Paragraph::new()
        .add_run(Run::new().add_image(pic))
        .align(AlignmentType::Center)
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

    #[test]
    fn a_picture_is_embedded_as_png_within_the_width_of_the_text() {
        // A 1×1 PNG: the smallest picture a document may hold.
        let png: Vec<u8> = vec![
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48,
            0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
            0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78,
            0x9C, 0x63, 0x60, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x05, 0x00, 0x01, 0x87, 0xA1,
            0x4E, 0xD4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
        ];
        let mut doc = Document::new();
        doc.push(Block::Picture {
            png: png.clone(),
            width: 4000,
            height: 3000,
            caption: "在万象国立大学 At the National University of Laos".into(),
        });
        let bytes = doc.to_docx().unwrap();
        let xml = body_xml(&bytes);
        assert!(xml.contains("<w:drawing>"), "{xml}");
        assert!(xml.contains("At the National University of Laos"));
        // 4000 pixels wide are shown as wide as the text: 16 cm, 5,759,450 EMU.
        assert!(xml.contains("cx=\"5759450\""), "{xml}");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
            .collect();
        let media = names
            .iter()
            .find(|n| n.starts_with("word/media/") && n.ends_with(".png"))
            .unwrap_or_else(|| panic!("no picture in {names:?}"));
        let mut kept = Vec::new();
        zip.by_name(media).unwrap().read_to_end(&mut kept).unwrap();
        assert_eq!(kept, png);
    }
}
