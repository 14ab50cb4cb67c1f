//! Drawing on pages with coordinates measured from the top-left corner, in points, which is
//! how a page is designed; PDF itself measures from the bottom-left.

use printpdf::{
    Color, Greyscale, Line, LinePoint, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, TextItem,
    TextMatrix,
};

use super::fonts::{self, Face};

pub(crate) const A4_SHORT: f32 = 595.28;
pub(crate) const A4_LONG: f32 = 841.89;

/// Near-black text and mid-grey rules: high contrast without the glare of pure black on white.
const INK: f32 = 0.1;
const RULE_GREY: f32 = 0.55;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    pub(crate) fn size(self) -> (f32, f32) {
        match self {
            Orientation::Portrait => (A4_SHORT, A4_LONG),
            Orientation::Landscape => (A4_LONG, A4_SHORT),
        }
    }
}

/// One page's drawing operations.
pub(crate) struct Page {
    pub(crate) ops: Vec<Op>,
    height: f32,
}

impl Page {
    pub(crate) fn new(orientation: Orientation) -> Self {
        Page {
            ops: Vec::new(),
            height: orientation.size().1,
        }
    }

    /// Text with its left edge at `x` and its baseline `baseline` points from the top.
    pub(crate) fn text(&mut self, x: f32, baseline: f32, face: Face, size: f32, text: &str) {
        let text = fonts::printable(face, text);
        if text.trim().is_empty() {
            return;
        }
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: Color::Greyscale(Greyscale::new(INK, None)),
            },
            Op::SetFont {
                font: PdfFontHandle::External(face.id()),
                size: Pt(size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Translate(Pt(x), Pt(self.height - baseline)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text)],
            },
            Op::EndTextSection,
        ]);
    }

    /// Text whose right edge is at `right`: how amounts line up in a column.
    pub(crate) fn text_right(
        &mut self,
        right: f32,
        baseline: f32,
        face: Face,
        size: f32,
        text: &str,
    ) {
        let text = fonts::printable(face, text);
        let x = right - fonts::width(face, size, &text);
        self.text(x, baseline, face, size, &text);
    }

    /// A horizontal rule `y` points from the top.
    pub(crate) fn rule(&mut self, left: f32, right: f32, y: f32, thickness: f32) {
        let y = self.height - y;
        self.ops.extend([
            Op::SetOutlineColor {
                col: Color::Greyscale(Greyscale::new(RULE_GREY, None)),
            },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(left),
                                y: Pt(y),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(right),
                                y: Pt(y),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            },
        ]);
    }

    /// A light grey band behind a heading or a total: `top` and `height` in points from the top.
    pub(crate) fn band(&mut self, left: f32, right: f32, top: f32, height: f32, grey: f32) {
        self.ops.extend([
            Op::SetFillColor {
                col: Color::Greyscale(Greyscale::new(grey, None)),
            },
            Op::DrawRectangle {
                rectangle: Rect {
                    mode: Some(PaintMode::Fill),
                    ..Rect::from_xywh(
                        Pt(left),
                        Pt(self.height - top - height),
                        Pt(right - left),
                        Pt(height),
                    )
                },
            },
        ]);
    }
}
