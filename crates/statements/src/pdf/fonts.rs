//! The one typeface every document uses, and how wide text is in it.
//!
//! Atkinson Hyperlegible was designed for readers with low vision, which many of the people
//! reading these statements are. It is embedded in every PDF (only the glyphs used), so the
//! pound sign and accented names print the same on any printer.

use std::sync::OnceLock;

use printpdf::{FontId, ParsedFont};

const REGULAR_TTF: &[u8] = include_bytes!("../../fonts/AtkinsonHyperlegible-Regular.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../fonts/AtkinsonHyperlegible-Bold.ttf");

/// What a character the font has no glyph for is printed as, so it is visibly missing rather
/// than silently dropped or drawn as an empty box.
const MISSING: char = '?';

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    /// Fixed resource names (printpdf would pick random ones), so output is reproducible.
    pub(crate) fn id(self) -> FontId {
        FontId(
            match self {
                Face::Regular => "F1",
                Face::Bold => "F2",
            }
            .to_string(),
        )
    }

    pub(crate) fn parsed(self) -> &'static ParsedFont {
        let faces = faces();
        match self {
            Face::Regular => &faces.0,
            Face::Bold => &faces.1,
        }
    }
}

/// Parsed once per process: parsing costs more than laying out a whole advice.
fn faces() -> &'static (ParsedFont, ParsedFont) {
    static FACES: OnceLock<(ParsedFont, ParsedFont)> = OnceLock::new();
    FACES.get_or_init(|| (parse(REGULAR_TTF), parse(BOLD_TTF)))
}

fn parse(bytes: &[u8]) -> ParsedFont {
    // The fonts are part of this crate and a test parses them, so failure here is a build
    // mistake, not bad input.
    ParsedFont::from_bytes(bytes, 0, &mut Vec::new()).expect("the bundled font parses")
}

/// Replaces characters the font cannot draw, and control characters, so what is measured is
/// exactly what is printed.
pub(crate) fn printable(face: Face, text: &str) -> String {
    let font = face.parsed();
    text.chars()
        .map(|c| {
            if c.is_control() {
                ' '
            } else if font.lookup_glyph_index(c as u32).is_some() {
                c
            } else {
                MISSING
            }
        })
        .collect()
}

/// The width of already-printable text, in points.
pub(crate) fn width(face: Face, size: f32, text: &str) -> f32 {
    let font = face.parsed();
    let units: u32 = text
        .chars()
        .filter_map(|c| font.lookup_glyph_index(c as u32))
        .map(|gid| u32::from(font.get_horizontal_advance(gid)))
        .sum();
    units as f32 * size / f32::from(font.pdf_font_metrics.units_per_em)
}

/// Breaks text into lines no wider than `max_width`, at spaces where possible. Line breaks in
/// the text are kept. A word too long for a line on its own is split between characters.
pub(crate) fn wrap(face: Face, size: f32, text: &str, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let paragraph = printable(face, paragraph);
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if width(face, size, &candidate) <= max_width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            line = split_long_word(face, size, word, max_width, &mut lines);
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Pushes full-width pieces of `word` onto `lines` and returns the remainder.
fn split_long_word(
    face: Face,
    size: f32,
    word: &str,
    max_width: f32,
    lines: &mut Vec<String>,
) -> String {
    let mut piece = String::new();
    for c in word.chars() {
        piece.push(c);
        if width(face, size, &piece) > max_width && piece.chars().count() > 1 {
            piece.pop();
            lines.push(std::mem::take(&mut piece));
            piece.push(c);
        }
    }
    piece
}

/// Shortens text to fit `max_width`, ending with "…", for one-line table cells.
pub(crate) fn fit(face: Face, size: f32, text: &str, max_width: f32) -> String {
    let text = printable(face, text);
    if width(face, size, &text) <= max_width {
        return text;
    }
    let mut shortened: String = text;
    while !shortened.is_empty() && width(face, size, &format!("{shortened}…")) > max_width {
        shortened.pop();
    }
    format!("{}…", shortened.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_the_pound_sign_and_accents() {
        for c in ['£', 'é', 'ñ', 'ö', 'ł', 'Ż', '’', '…'] {
            assert!(
                Face::Regular
                    .parsed()
                    .lookup_glyph_index(c as u32)
                    .is_some(),
                "{c}"
            );
            assert!(
                Face::Bold.parsed().lookup_glyph_index(c as u32).is_some(),
                "{c}"
            );
        }
    }

    #[test]
    fn unknown_characters_are_shown_as_missing() {
        assert_eq!(printable(Face::Regular, "Zoë 王\tX"), "Zoë ? X");
    }

    #[test]
    fn widths_grow_with_text_and_size() {
        let w = width(Face::Regular, 10.0, "£664.29");
        assert!(w > 20.0 && w < 50.0, "{w}");
        assert!(width(Face::Regular, 20.0, "£664.29") > 1.9 * w);
        assert!(width(Face::Bold, 10.0, "WWWW") > width(Face::Regular, 10.0, "iiii"));
    }

    #[test]
    fn wrapping_keeps_every_word_and_respects_the_width() {
        let text = "The council paid you too much before. This often happens when your \
                    contribution is checked again for past dates.";
        let lines = wrap(Face::Regular, 11.0, text, 150.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(width(Face::Regular, 11.0, line) <= 150.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn very_long_words_are_split_and_line_breaks_kept() {
        let lines = wrap(Face::Regular, 11.0, &"x".repeat(200), 100.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(Face::Regular, 11.0, l) <= 100.0));
        assert_eq!(lines.concat(), "x".repeat(200));
        assert_eq!(wrap(Face::Regular, 11.0, "a\nb", 500.0), vec!["a", "b"]);
    }

    #[test]
    fn fitting_shortens_with_an_ellipsis() {
        let fitted = fit(Face::Regular, 11.0, &"Reference ".repeat(10), 80.0);
        assert!(fitted.ends_with('…'));
        assert!(width(Face::Regular, 11.0, &fitted) <= 80.0);
        assert_eq!(fit(Face::Regular, 11.0, "RA-1", 80.0), "RA-1");
    }
}
