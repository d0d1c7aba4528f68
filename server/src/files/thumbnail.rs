//! Previews of uploaded images: decoded and re-encoded, so that what members' browsers show is
//! pixels the server made (no EXIF: a phone's GPS position never leaves in a preview), upright
//! by the photo's orientation, and at most [`THUMBNAIL_SIDE`] pixels a side.
//!
//! Decoding runs under limits checked against the header before any pixel is allocated: a
//! small file that claims to be a huge image (a decompression bomb) gets no preview, and stays
//! downloadable as it is.

use std::io::{BufReader, Cursor};
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageReader, Limits};

/// The longest side of a preview, in pixels.
pub const THUMBNAIL_SIDE: u32 = 400;
/// The largest image given a preview: sides and pixel count (a 50 MP photo is 200 MB decoded).
const MAX_SIDE: u32 = 12_000;
const MAX_PIXELS: u64 = 50_000_000;
/// Memory a decode may take, beyond the pixels themselves.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// A preview, and the size of the image it shows (upright).
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
}

/// The preview of the image at `path`, if it is a raster image within the limits; `None`
/// otherwise (not an image, unreadable, too large). CPU-bound: run it off the async threads.
pub fn make(path: &Path) -> Option<Thumbnail> {
    let (width, height) = ImageReader::open(path)
        .ok()?
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()?;
    if width == 0
        || height == 0
        || width > MAX_SIDE
        || height > MAX_SIDE
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return None;
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    let file = std::fs::File::open(path).ok()?;
    let mut reader = ImageReader::new(BufReader::new(file))
        .with_guessed_format()
        .ok()?;
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok()?;
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);
    let (width, height) = (image.width(), image.height());
    let small = if width > THUMBNAIL_SIDE || height > THUMBNAIL_SIDE {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        image
    };
    let (bytes, content_type) = encode(&small)?;
    Some(Thumbnail {
        width,
        height,
        bytes,
        content_type,
    })
}

/// JPEG for opaque images (photos); PNG when there is transparency to keep.
fn encode(image: &DynamicImage) -> Option<(Vec<u8>, &'static str)> {
    let mut out = Cursor::new(Vec::new());
    if image.color().has_alpha() {
        let rgba = image.to_rgba8();
        PngEncoder::new(&mut out)
            .write_image(
                rgba.as_raw(),
                rgba.width(),
                rgba.height(),
                image::ExtendedColorType::Rgba8,
            )
            .ok()?;
        Some((out.into_inner(), "image/png"))
    } else {
        let rgb = image.to_rgb8();
        JpegEncoder::new_with_quality(&mut out, 82)
            .write_image(
                rgb.as_raw(),
                rgb.width(),
                rgb.height(),
                image::ExtendedColorType::Rgb8,
            )
            .ok()?;
        Some((out.into_inner(), "image/jpeg"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write");
        path
    }

    /// A JPEG `width`×`height` with an EXIF block holding `orientation` and a GPS tag.
    fn jpeg_with_exif(width: u32, height: u32, orientation: u8) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, _| Rgb([(x * 7) as u8, 90, 160]));
        let mut out = Vec::new();
        let mut encoder = JpegEncoder::new(&mut out);
        // Little-endian TIFF header, then one IFD with Orientation (0x0112) and a GPS IFD
        // pointer (0x8825), as phones write.
        let mut exif = b"II\x2a\0\x08\0\0\0\x02\0".to_vec();
        exif.extend_from_slice(&[0x12, 0x01, 0x03, 0x00, 0x01, 0, 0, 0, orientation, 0, 0, 0]);
        exif.extend_from_slice(&[0x25, 0x88, 0x04, 0x00, 0x01, 0, 0, 0, 0x26, 0, 0, 0]);
        exif.extend_from_slice(&[0, 0, 0, 0]);
        encoder.set_exif_metadata(exif).expect("exif");
        encoder
            .write_image(
                image.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .expect("encode");
        out
    }

    #[test]
    fn a_photo_is_turned_upright_shrunk_and_stripped() {
        let dir = tempfile::tempdir().expect("dir");
        let original = jpeg_with_exif(800, 600, 6);
        assert!(
            original.windows(4).any(|w| w == b"Exif"),
            "the fixture has EXIF"
        );
        let thumb = make(&write(dir.path(), "foto.jpg", &original)).expect("a preview");
        // Orientation 6 is a quarter turn: the upright photo is 600×800.
        assert_eq!((thumb.width, thumb.height), (600, 800));
        assert_eq!(thumb.content_type, "image/jpeg");
        let preview = image::load_from_memory(&thumb.bytes).expect("decodes");
        assert_eq!((preview.width(), preview.height()), (300, 400));
        assert!(
            !thumb.bytes.windows(4).any(|w| w == b"Exif"),
            "no EXIF in the preview"
        );
    }

    #[test]
    fn transparency_is_kept_and_small_images_keep_their_size() {
        let dir = tempfile::tempdir().expect("dir");
        let image = image::RgbaImage::from_pixel(40, 30, image::Rgba([10, 20, 30, 128]));
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(image.as_raw(), 40, 30, image::ExtendedColorType::Rgba8)
            .expect("encode");
        let thumb = make(&write(dir.path(), "logo.png", &png)).expect("a preview");
        assert_eq!(
            (thumb.width, thumb.height, thumb.content_type),
            (40, 30, "image/png")
        );
    }

    // Decompression bombs are tested end to end (tests/e2e/files.rs), with a PNG whose header
    // claims 100,000 × 100,000 pixels.
    #[test]
    fn no_preview_for_what_is_not_a_whole_image() {
        let dir = tempfile::tempdir().expect("dir");
        assert!(make(&write(dir.path(), "a.pdf", b"%PDF-1.7\n")).is_none());
        let jpeg = jpeg_with_exif(64, 64, 1);
        assert!(make(&write(dir.path(), "trunc.jpg", &jpeg[..jpeg.len() / 3])).is_none());
    }
}
