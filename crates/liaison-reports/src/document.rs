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
    /// A picture, centred across the text's width at most, with its caption under it.
    Picture(Picture),
}

/// A picture to put in a document: PNG bytes (the one format Word files are written with here)
/// and their size in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub caption: String,
}

/// English Metric Units, Word's unit for drawings: 914,400 to the inch, 635 to the twip.
const EMU_PER_TWIP: u64 = 635;
/// A picture's pixels are taken at 96 to the inch, as Word does.
const EMU_PER_PIXEL: u64 = 9_525;
/// The tallest a picture is shown: about half a page, so a photo and its caption stay together.
const PICTURE_MAX_HEIGHT_TWIPS: u64 = 7_200;

impl Picture {
    /// Its size in the document, in EMU: its own at 96 pixels to the inch, made smaller to fit
    /// `text_width` twips across and half a page down, its proportions kept.
    fn size(&self, text_width: u64) -> (u32, u32) {
        let (w, h) = (
            u64::from(self.width.max(1)) * EMU_PER_PIXEL,
            u64::from(self.height.max(1)) * EMU_PER_PIXEL,
        );
        let (max_w, max_h) = (
            text_width * EMU_PER_TWIP,
            PICTURE_MAX_HEIGHT_TWIPS * EMU_PER_TWIP,
        );
        // The smallest of the three scales, as a fraction over a common denominator.
        let (num, den) = [(1, 1), (max_w, w), (max_h, h)]
            .into_iter()
            .min_by(|a, b| (a.0 * b.1).cmp(&(b.0 * a.1)))
            .unwrap_or((1, 1));
        let fit = |v: u64| u32::try_from(v * num / den).unwrap_or(u32::MAX);
        (fit(w), fit(h))
    }
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
                Block::Picture(picture) => {
                    let (w, h) = picture.size(text_width as u64);
                    let pic = docx_rs::Pic::new_with_dimensions(
                        picture.png.clone(),
                        picture.width,
                        picture.height,
                    )
                    .size(w, h);
                    let docx = docx.add_paragraph(
                        Paragraph::new()
                            .add_run(Run::new().add_image(pic))
                            .align(AlignmentType::Center)
                            .keep_next(true),
                    );
                    if picture.caption.is_empty() {
                        docx
                    } else {
                        docx.add_paragraph(
                            Paragraph::new()
                                .add_run(
                                    Run::new()
                                        .add_text(&picture.caption)
                                        .size(18)
                                        .color("444444"),
                                )
                                .align(AlignmentType::Center),
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
    fn a_picture_fits_the_text_width_and_half_a_page_its_proportions_kept() {
        let picture = |width, height| Picture {
            png: Vec::new(),
            width,
            height,
            caption: String::new(),
        };
        let text_width = 9_070;
        // A small picture keeps its own size.
        assert_eq!(picture(200, 100).size(text_width), (1_905_000, 952_500));
        // A wide photo is made as wide as the text.
        let (w, h) = picture(4_000, 3_000).size(text_width);
        assert_eq!(w, 9_070 * 635);
        assert_eq!(h, 9_070 * 635 * 3 / 4);
        // A tall one as tall as half a page.
        let (w, h) = picture(1_000, 4_000).size(text_width);
        assert_eq!(h, 7_200 * 635);
        assert_eq!(w, 7_200 * 635 / 4);
    }

    #[test]
    fn a_picture_is_embedded_with_its_caption_under_it() {
        // The document keeps a picture's bytes as they are; these stand for a PNG.
        let png = b"\x89PNG\r\n\x1a\n picture bytes".to_vec();
        let mut doc = Document::new();
        doc.push(Block::Paragraph("Before".into()))
            .push(Block::Picture(Picture {
                png: png.clone(),
                width: 2,
                height: 1,
                caption: "签约仪式 The signing".into(),
            }));
        let bytes = doc.to_docx().unwrap();
        let xml = body_xml(&bytes);
        let drawing = xml.find("<w:drawing>").expect("a drawing");
        let caption = xml.find("签约仪式 The signing").expect("the caption");
        assert!(xml.find("Before").unwrap() < drawing && drawing < caption);
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let media: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .filter(|n| n.starts_with("word/media/") && n.ends_with(".png"))
            .collect();
        assert_eq!(media.len(), 1, "{media:?}");
        let mut kept = Vec::new();
        zip.by_name(&media[0])
            .unwrap()
            .read_to_end(&mut kept)
            .unwrap();
        assert_eq!(kept, png);
    }
}
