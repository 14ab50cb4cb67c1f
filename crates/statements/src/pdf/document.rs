//! Turning pages into PDF bytes: fonts, metadata, language, and a document ID derived from
//! the content, so identical input gives identical bytes.

use lopdf::{Object, StringFormat};
use printpdf::{OffsetDateTime, PdfDocument, PdfFont, PdfPage, PdfSaveOptions, Pt, Rect};

use super::canvas::{Orientation, Page};
use super::fonts::Face;
use crate::StatementContext;

/// What the PDF says about itself (shown by viewers in Document Properties).
pub(crate) struct Metadata {
    pub(crate) title: String,
    pub(crate) subject: String,
}

/// Stands in for the document ID until the bytes are known; the same length as the real one so
/// it can be swapped in place without moving anything the cross-reference table points at.
const ID_PLACEHOLDER: &[u8; 32] = b"cfp-document-id-placeholder-0000";

pub(crate) fn to_pdf(
    pages: Vec<Page>,
    orientation: Orientation,
    meta: Metadata,
    context: &StatementContext,
) -> Vec<u8> {
    let mut doc = PdfDocument::new(&meta.title);
    for face in [Face::Regular, Face::Bold] {
        doc.resources
            .fonts
            .map
            .insert(face.id(), PdfFont::new(face.parsed().clone()));
    }
    let produced = OffsetDateTime::from_unix_timestamp(
        context.produced_on.midnight().assume_utc().unix_timestamp(),
    )
    .unwrap_or_else(|_| OffsetDateTime::from_unix_timestamp(0).expect("the epoch is valid"));
    let info = &mut doc.metadata.info;
    info.author = context.council_name.trim().to_string();
    info.subject = meta.subject;
    info.creator = "Client Finance Portal".to_string();
    info.producer = "Client Finance Portal".to_string();
    info.creation_date = produced;
    info.modification_date = produced;
    info.metadata_date = produced;

    let (width, height) = orientation.size();
    doc.pages = pages
        .into_iter()
        .map(|page| {
            // Built directly in points: going through millimetres would round A4's size.
            let size = Rect::from_wh(Pt(width), Pt(height));
            PdfPage {
                media_box: size.clone(),
                trim_box: size.clone(),
                crop_box: size,
                ops: page.ops,
            }
        })
        .collect();

    let mut warnings = Vec::new();
    let options = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut pdf = doc.to_lopdf_document(&options, &mut warnings);
    set_language_and_title_display(&mut pdf);
    tag_subset_fonts(&mut pdf);
    drop_empty_info_entries(&mut pdf);
    let placeholder = Object::String(ID_PLACEHOLDER.to_vec(), StringFormat::Literal);
    pdf.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    pdf.compress();
    let mut bytes = Vec::new();
    pdf.save_to(&mut bytes)
        .expect("writing a PDF to memory cannot fail");
    stamp_document_id(&mut bytes);
    bytes
}

/// `/Lang (en-GB)` tells screen readers and text-to-speech which voice to use, and
/// `/DisplayDocTitle` makes viewers show the title rather than a file name.
fn set_language_and_title_display(pdf: &mut lopdf::Document) {
    let Ok(catalog) = pdf.catalog_mut() else {
        return;
    };
    catalog.set(
        "Lang",
        Object::String(b"en-GB".to_vec(), StringFormat::Literal),
    );
    catalog.set(
        "ViewerPreferences",
        lopdf::Dictionary::from_iter([("DisplayDocTitle", Object::Boolean(true))]),
    );
}

/// printpdf always writes `Keywords`, `Identifier` and a PDF/X version, empty here. An empty
/// PDF/X version would wrongly suggest the file claims PDF/X conformance.
fn drop_empty_info_entries(pdf: &mut lopdf::Document) {
    let Ok(info_id) = pdf.trailer.get(b"Info").and_then(Object::as_reference) else {
        return;
    };
    let Ok(info) = pdf.get_object_mut(info_id).and_then(Object::as_dict_mut) else {
        return;
    };
    for key in ["Keywords", "Identifier", "GTS_PDFXVersion"] {
        let empty = match info.get(key.as_bytes()) {
            // UTF-16 text strings start with a byte-order mark even when empty.
            Ok(Object::String(bytes, _)) => bytes.is_empty() || bytes.as_slice() == [0xfe, 0xff],
            _ => false,
        };
        if empty {
            info.remove(key.as_bytes());
        }
    }
}

/// printpdf names a subset font after its resource ("F1+AtkinsonHyperlegible-Regular"), but
/// the PDF standard (ISO 32000 9.6.4) wants six capital letters before the "+", and viewers and
/// checkers use that tag to know the font is a subset. The tags are fixed per face so output
/// stays reproducible.
fn tag_subset_fonts(pdf: &mut lopdf::Document) {
    let retag = |name: &[u8]| -> Option<Vec<u8>> {
        [(Face::Regular, b"CFPREG"), (Face::Bold, b"CFPBLD")]
            .into_iter()
            .find_map(|(face, tag)| {
                let prefix = format!("{}+", face.id().0);
                name.strip_prefix(prefix.as_bytes()).map(|rest| {
                    let mut tagged = tag.to_vec();
                    tagged.push(b'+');
                    tagged.extend_from_slice(rest);
                    tagged
                })
            })
    };
    for object in pdf.objects.values_mut() {
        let Ok(dict) = object.as_dict_mut() else {
            continue;
        };
        for key in [&b"BaseFont"[..], &b"FontName"[..]] {
            let renamed = match dict.get(key) {
                Ok(Object::Name(name)) => retag(name),
                _ => None,
            };
            if let Some(renamed) = renamed {
                dict.set(key, Object::Name(renamed));
            }
        }
    }
}

/// Replaces both placeholder IDs with a hash of the finished file (computed with the
/// placeholders in place), so the ID identifies the content and never changes between runs.
fn stamp_document_id(bytes: &mut [u8]) {
    let id = content_id(bytes);
    let mut search_from = bytes.len();
    for _ in 0..2 {
        let Some(at) = bytes[..search_from]
            .windows(ID_PLACEHOLDER.len())
            .rposition(|w| w == ID_PLACEHOLDER)
        else {
            return;
        };
        bytes[at..at + id.len()].copy_from_slice(&id);
        search_from = at;
    }
}

/// 32 hex digits from two 64-bit FNV-1a hashes. Not a security measure: a stable fingerprint
/// that needs no extra dependency and never changes with the compiler version.
fn content_id(bytes: &[u8]) -> [u8; 32] {
    let first = fnv1a(bytes, 0xcbf2_9ce4_8422_2325);
    let second = fnv1a(bytes, 0x6c62_272e_07bb_0142);
    let hex = format!("{first:016x}{second:016x}");
    hex.as_bytes()
        .try_into()
        .expect("two u64 make 32 hex digits")
}

fn fnv1a(bytes: &[u8], basis: u64) -> u64 {
    bytes.iter().fold(basis, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
