//! Content that flows down the page and on to the next, with a running header on each new page
//! and a footer ("Page 2 of 5") added once the number of pages is known.

use super::canvas::{Orientation, Page};
use super::fonts::{self, Face};
use crate::dates::long_date;
use crate::StatementContext;

pub(crate) const MARGIN: f32 = 48.0;
/// Space kept free at the bottom of every page for the footer.
const FOOTER_SPACE: f32 = 40.0;
const FOOTER_SIZE: f32 = 10.0;

/// Draws the top of a continuation page and returns where content may start.
pub(crate) type RunningHeader = Box<dyn Fn(&mut Page) -> f32>;

pub(crate) struct Flow {
    orientation: Orientation,
    pages: Vec<Page>,
    /// Where the next content starts, in points from the top of the current page.
    pub(crate) y: f32,
    running_header: RunningHeader,
}

impl Flow {
    pub(crate) fn new(orientation: Orientation, running_header: RunningHeader) -> Self {
        Flow {
            orientation,
            pages: vec![Page::new(orientation)],
            y: MARGIN,
            running_header,
        }
    }

    pub(crate) fn left(&self) -> f32 {
        MARGIN
    }

    pub(crate) fn right(&self) -> f32 {
        self.orientation.size().0 - MARGIN
    }

    pub(crate) fn width(&self) -> f32 {
        self.right() - self.left()
    }

    fn bottom(&self) -> f32 {
        self.orientation.size().1 - MARGIN - FOOTER_SPACE
    }

    /// Whether `height` more points fit on the current page.
    pub(crate) fn fits(&self, height: f32) -> bool {
        self.y + height <= self.bottom()
    }

    /// Starts a new page unless `height` more points fit on this one.
    pub(crate) fn keep_together(&mut self, height: f32) {
        if !self.fits(height) {
            self.new_page();
        }
    }

    pub(crate) fn new_page(&mut self) {
        let mut page = Page::new(self.orientation);
        self.y = (self.running_header)(&mut page);
        self.pages.push(page);
    }

    /// Changes what is drawn at the top of pages started from now on.
    pub(crate) fn set_running_header(&mut self, header: RunningHeader) {
        self.running_header = header;
    }

    pub(crate) fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow always has a page")
    }

    /// The current page and position, for drawing that measures itself.
    pub(crate) fn page_and_y(&mut self) -> (&mut Page, f32) {
        let y = self.y;
        (self.page(), y)
    }

    /// Text on the current line (baseline at `y`), left edge at `x`.
    pub(crate) fn text(&mut self, x: f32, face: Face, size: f32, text: &str) {
        let y = self.y;
        self.page().text(x, y, face, size, text);
    }

    /// Text on the current line, right edge at `right`.
    pub(crate) fn text_right(&mut self, right: f32, face: Face, size: f32, text: &str) {
        let y = self.y;
        self.page().text_right(right, y, face, size, text);
    }

    /// A rule across `left..right` at the current position.
    pub(crate) fn rule(&mut self, left: f32, right: f32, thickness: f32) {
        let y = self.y;
        self.page().rule(left, right, y, thickness);
    }

    /// Adds the footer to every page and hands the pages over.
    pub(crate) fn finish(self, context: &StatementContext) -> Vec<Page> {
        let total = self.pages.len();
        let (width, height) = self.orientation.size();
        let baseline = height - MARGIN + 6.0;
        let date = long_date(context.produced_on);
        // The page number needs about 80 pt; the council's name is already at the top of the
        // page, so a name too long for the footer is left out of it.
        let room = width - 2.0 * MARGIN - 90.0;
        let mut produced = format!(
            "Produced on {date} from {}'s records.",
            context.council_name.trim()
        );
        if fonts::width(
            Face::Regular,
            FOOTER_SIZE,
            &fonts::printable(Face::Regular, &produced),
        ) > room
        {
            produced = format!("Produced on {date} from the council's records.");
        }
        self.pages
            .into_iter()
            .enumerate()
            .map(|(index, mut page)| {
                page.rule(MARGIN, width - MARGIN, baseline - 16.0, 0.5);
                page.text(MARGIN, baseline, Face::Regular, FOOTER_SIZE, &produced);
                page.text_right(
                    width - MARGIN,
                    baseline,
                    Face::Bold,
                    FOOTER_SIZE,
                    &format!("Page {} of {}", index + 1, total),
                );
                page
            })
            .collect()
    }
}
