//! Uploads: limits, who may read a file (before and after it is posted, after leaving, after
//! the message is deleted), the headers that keep a file from running as part of the site,
//! ranges, posting files over REST and the socket, and removing files nothing references.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use xerrada_tests::{Session, TestApp, spawn_app, spawn_app_with};

const BOUNDARY: &str = "xerrada-test-boundary-7b1c";

/// A multipart body with one part `field`, built by hand so that tests control every byte.
fn multipart(field: &str, file_name: Option<&str>, bytes: &[u8]) -> Vec<u8> {
    let mut body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"");
    if let Some(name) = file_name {
        body.push_str(&format!("; filename=\"{name}\""));
    }
    // The claimed type is a lie on purpose: the server must read the bytes.
    body.push_str("\r\nContent-Type: image/png\r\n\r\n");
    let mut body = body.into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload_part(app: &TestApp, who: &Session, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .http
        .post(app.url("/api/v1/files"))
        .bearer_auth(&who.token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("upload sent");
    let status = response.status().as_u16();
    let text = response.text().await.expect("answer");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn upload(app: &TestApp, who: &Session, name: &str, bytes: &[u8]) -> (u16, Value) {
    upload_part(app, who, multipart("file", Some(name), bytes)).await
}

/// Uploads and returns the new file's id.
pub(crate) async fn uploaded(app: &TestApp, who: &Session, name: &str, bytes: &[u8]) -> String {
    let (status, body) = upload(app, who, name, bytes).await;
    assert_eq!(status, 201, "upload {name}: {body}");
    body["id"].as_str().expect("file id").to_owned()
}

/// GET of a file: status, headers and bytes.
pub(crate) async fn download(
    app: &TestApp,
    who: &Session,
    id: &str,
    range: Option<&str>,
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = app
        .http
        .get(app.url(&format!("/api/v1/files/{id}")))
        .bearer_auth(&who.token);
    if let Some(range) = range {
        request = request.header("range", range);
    }
    let response = request.send().await.expect("download sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.expect("bytes").to_vec();
    (status, headers, bytes)
}

pub(crate) async fn post_files(
    app: &TestApp,
    who: &Session,
    channel: &str,
    body: &str,
    ids: &[&str],
) -> (u16, Value) {
    app.post(
        &format!("/api/v1/channels/{channel}/messages"),
        &who.token,
        json!({"body": body, "file_ids": ids}),
    )
    .await
}

/// A tiny valid PNG (1×1).
pub(crate) const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn uploads_are_limited_in_size_and_shape() {
    let app = spawn_app_with(|c| c.files.max_bytes = 1_000).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;

    let exact = vec![b'a'; 1_000];
    let (status, body) = upload(&app, &anna, "exacte.txt", &exact).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["size"], 1_000);
    assert_eq!(body["name"], "exacte.txt");
    assert_eq!(body["content_type"], "text/plain; charset=utf-8");
    let digest: String = Sha256::digest(&exact)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(body["sha256"], digest.as_str());

    let (status, body) = upload(&app, &anna, "massa.txt", &vec![b'a'; 1_001]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("too_large")),
        "{body}"
    );
    let (status, body) = upload(&app, &anna, "buit.txt", b"").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let (status, body) =
        upload_part(&app, &anna, multipart("document", Some("a.txt"), b"hola")).await;
    assert_eq!(status, 400, "a part with another name: {body}");
    let (status, body) = app
        .post("/api/v1/files", &anna.token, json!({"file": "hola"}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "JSON: {body}"
    );
    let (status, _) = app
        .call(reqwest::Method::POST, "/api/v1/files", None, None)
        .await;
    assert_eq!(status, 401);
    // A name with folders keeps only its last part; none at all gets a plain name.
    let (_, body) = upload(&app, &anna, "C:\\Users\\anna\\plànol.pdf", b"%PDF-1.4\n").await;
    assert_eq!(body["name"], "plànol.pdf");
    assert_eq!(body["content_type"], "application/pdf");
    let (_, body) = upload_part(&app, &anna, multipart("file", None, b"x")).await;
    assert_eq!(body["name"], "file");
    // One part: a second one after `file` is refused, not read past.
    let mut two_parts = multipart("file", Some("a.txt"), b"hola");
    let closing = format!("--{BOUNDARY}--\r\n");
    two_parts.truncate(two_parts.len() - closing.len());
    two_parts.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\nx\r\n{closing}"
        )
        .as_bytes(),
    );
    let (status, body) = upload_part(&app, &anna, two_parts).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "two parts: {body}"
    );
    // Nothing of the refused uploads stays on disk.
    let tmp = app.data_dir.join("files").join("tmp");
    assert_eq!(std::fs::read_dir(tmp).expect("tmp dir").count(), 0);
}

#[tokio::test]
async fn a_file_is_its_uploaders_until_posted_then_its_channels() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let carla = app.create_user(&admin, "carla").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    let private = app.create_channel(&anna, "privat", "private").await;
    app.join(&bernat, &channel).await;
    let mut bernat_ws = app.connect(&bernat).await;

    let id = uploaded(&app, &anna, "façana.png", PNG).await;
    assert_eq!(download(&app, &anna, &id, None).await.0, 200);
    assert_eq!(
        download(&app, &bernat, &id, None).await.0,
        404,
        "not posted yet"
    );

    // Someone else's file, too many, twice the same: refused, and nothing is posted.
    let (status, body) = post_files(&app, &bernat, &channel, "meu", &[&id]).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("invalid_request")),
        "{body}"
    );
    let eleven: Vec<String> = (0..11).map(|i| format!("id-{i}")).collect();
    let eleven: Vec<&str> = eleven.iter().map(String::as_str).collect();
    assert_eq!(post_files(&app, &anna, &channel, "", &eleven).await.0, 400);
    assert_eq!(
        post_files(&app, &anna, &channel, "", &[&id, &id]).await.0,
        400
    );
    assert_eq!(
        post_files(&app, &anna, &channel, "", &["no-such-file"])
            .await
            .0,
        400
    );

    // Posted with an empty caption: the message carries it, live and in history.
    let (status, message) = post_files(&app, &anna, &channel, "", &[&id]).await;
    assert_eq!(status, 201, "{message}");
    assert_eq!(message["body"], "");
    assert_eq!(message["files"][0]["id"], id.as_str());
    assert_eq!(message["files"][0]["name"], "façana.png");
    assert_eq!(message["files"][0]["content_type"], "image/png");
    let live = bernat_ws.next_of_type("message").await;
    assert_eq!(live["message"]["files"], message["files"]);
    let history = app.all_messages(&bernat, &channel).await;
    assert_eq!(
        history.last().expect("a message")["files"],
        message["files"]
    );
    // Posted once: not again, here or elsewhere.
    assert_eq!(
        post_files(&app, &anna, &private, "altra vegada", &[&id])
            .await
            .0,
        400
    );

    let (status, _, bytes) = download(&app, &bernat, &id, None).await;
    assert_eq!((status, bytes.as_slice()), (200, PNG), "a member reads it");
    assert_eq!(
        download(&app, &carla, &id, None).await.0,
        404,
        "not a member"
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/channels/{channel}/leave"),
            &bernat.token,
            json!({})
        )
        .await
        .0,
        204
    );
    assert_eq!(
        download(&app, &bernat, &id, None).await.0,
        404,
        "left the channel"
    );

    // Deleting the message detaches the file: nobody reads it, not even its uploader.
    let message_id = message["id"].as_str().expect("id");
    let (status, _) = app
        .delete(
            &format!("/api/v1/channels/{channel}/messages/{message_id}"),
            &anna.token,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(download(&app, &anna, &id, None).await.0, 404, "detached");
    let history = app.all_messages(&anna, &channel).await;
    let tombstone = history
        .iter()
        .find(|m| m["id"] == message_id)
        .expect("tombstone");
    assert_eq!(tombstone["deleted"], true);
    assert!(tombstone.get("files").is_none(), "{tombstone}");
}

#[tokio::test]
async fn files_go_over_the_socket_and_two_posts_never_share_one() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    let mut ws = app.connect(&anna).await;

    let id = uploaded(&app, &anna, "informe.pdf", b"%PDF-1.7\n...").await;
    ws.send_json(&json!({"type": "send", "ref": "r1", "channel_id": channel,
                         "client_msg_id": "amb-fitxer", "body": "l'informe", "file_ids": [id]}))
        .await;
    let ack = ws.next_of_type("ack").await;
    assert_eq!(ack["ref"], "r1", "{ack}");
    let message = ws.next_of_type("message").await;
    assert_eq!(message["message"]["files"][0]["id"], id.as_str());
    // The same file in a second send: an error frame, and no message.
    ws.send_json(&json!({"type": "send", "ref": "r2", "channel_id": channel,
                         "client_msg_id": "un-altre", "body": "un altre", "file_ids": [id]}))
        .await;
    let error = ws.next_of_type("error").await;
    assert_eq!(
        (error["ref"].as_str(), error["code"].as_str()),
        (Some("r2"), Some("invalid_request"))
    );
    // A repeated send (same client_msg_id) is the same message, not a refusal.
    ws.send_json(&json!({"type": "send", "ref": "r3", "channel_id": channel,
                         "client_msg_id": "amb-fitxer", "body": "l'informe", "file_ids": [id]}))
        .await;
    let ack = ws.next_of_type("ack").await;
    assert_eq!(
        (ack["ref"].as_str(), ack["seq"].as_i64()),
        (Some("r3"), message["seq"].as_i64())
    );

    // Two posts racing for one file: exactly one gets it.
    let contested = uploaded(&app, &anna, "plànol.png", PNG).await;
    let ids = [contested.as_str()];
    let (first, second) = tokio::join!(
        post_files(&app, &anna, &channel, "primer", &ids),
        post_files(&app, &anna, &channel, "segon", &ids),
    );
    let mut statuses = [first.0, second.0];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 400], "{first:?} {second:?}");
    let carrying = app
        .all_messages(&anna, &channel)
        .await
        .into_iter()
        .filter(|m| m["files"][0]["id"] == contested.as_str())
        .count();
    assert_eq!(carrying, 1);
}

#[tokio::test]
async fn files_are_served_so_that_they_never_run_in_the_page() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let cases: [(&str, &[u8], &str, bool); 5] = [
        (
            "pagina.html",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "text/html",
            false,
        ),
        (
            "dibuix.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "",
            false,
        ),
        (
            "codi.js",
            b"fetch('/api/v1/me').then(r => r.text())",
            "text/plain; charset=utf-8",
            false,
        ),
        ("foto.png", PNG, "image/png", true),
        (
            "acta.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "application/pdf",
            false,
        ),
    ];
    for (name, bytes, content_type, inline) in cases {
        let id = uploaded(&app, &anna, name, bytes).await;
        let (status, headers, body) = download(&app, &anna, &id, None).await;
        let header = |h: &str| {
            headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        assert_eq!((status, body.as_slice()), (200, bytes), "{name}");
        if !content_type.is_empty() {
            assert_eq!(header("content-type"), content_type, "{name}");
        }
        assert!(
            !header("content-type").contains("svg"),
            "{name}: never served as SVG"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{name}");
        assert_eq!(
            header("content-security-policy"),
            "sandbox; default-src 'none'",
            "{name}"
        );
        assert_eq!(header("cache-control"), "private", "{name}");
        let disposition = header("content-disposition");
        let expected = if inline { "inline;" } else { "attachment;" };
        assert!(disposition.starts_with(expected), "{name}: {disposition}");
        assert!(
            disposition.contains("filename*=UTF-8''"),
            "{name}: {disposition}"
        );
    }
    let id = uploaded(
        &app,
        &anna,
        "pla d'obres 2026 – versió final.pdf",
        b"%PDF-1.7\n",
    )
    .await;
    let (_, headers, _) = download(&app, &anna, &id, None).await;
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"pla d'obres 2026 _ versi_ final.pdf\"; filename*=UTF-8''pla%20d%27obres%202026%20%E2%80%93%20versi%C3%B3%20final.pdf"
    );
}

#[tokio::test]
async fn ranges_resume_downloads() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let id = uploaded(&app, &anna, "dades.bin", &bytes).await;

    let (status, headers, body) = download(&app, &anna, &id, Some("bytes=100-199")).await;
    assert_eq!(status, 206);
    assert_eq!(headers["content-range"], "bytes 100-199/10000");
    assert_eq!(headers["content-length"], "100");
    assert_eq!(body, &bytes[100..200]);
    let (status, _, body) = download(&app, &anna, &id, Some("bytes=9990-")).await;
    assert_eq!((status, body.as_slice()), (206, &bytes[9990..]));
    let (status, _, body) = download(&app, &anna, &id, Some("bytes=-5")).await;
    assert_eq!((status, body.as_slice()), (206, &bytes[9995..]));
    let (status, headers, _) = download(&app, &anna, &id, Some("bytes=20000-")).await;
    assert_eq!(status, 416);
    assert_eq!(headers["content-range"], "bytes */10000");
    let (status, headers, body) = download(&app, &anna, &id, Some("octets=1-2")).await;
    assert_eq!(
        (status, body.len()),
        (200, 10_000),
        "an unreadable range is ignored"
    );
    assert_eq!(headers["accept-ranges"], "bytes");
}

#[tokio::test]
async fn files_nothing_references_are_removed_after_the_grace_period() {
    let app = spawn_app_with(|c| c.files.unreferenced_grace_secs = 1).await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let channel = app.create_channel(&anna, "obres", "public").await;
    let unposted = uploaded(&app, &anna, "oblidat.txt", b"oblidat").await;
    let posted = uploaded(&app, &anna, "enviat.txt", b"enviat").await;
    let (status, _) = post_files(&app, &anna, &channel, "aqui", &[&posted]).await;
    assert_eq!(status, 201);
    let files_on_disk = || {
        walk(&app.data_dir.join("files"))
            .into_iter()
            .filter(|p| !p.starts_with(app.data_dir.join("files").join("tmp")))
            .count()
    };
    assert_eq!(files_on_disk(), 2);
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let removed = xerrada::services::files::sweep(&app.ctx)
        .await
        .expect("sweep");
    assert_eq!(removed, 1, "only the file never posted");
    assert_eq!(download(&app, &anna, &unposted, None).await.0, 404);
    assert_eq!(download(&app, &anna, &posted, None).await.0, 200);
    assert_eq!(files_on_disk(), 1);
    assert_eq!(
        post_files(&app, &anna, &channel, "tard", &[&unposted])
            .await
            .0,
        400
    );
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

/// A photo as a phone takes it: JPEG with an EXIF block that holds a GPS position.
fn photo_with_gps(width: u32, height: u32) -> Vec<u8> {
    use image::ImageEncoder;
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new(&mut out);
    // TIFF header, IFD0 with a GPS IFD pointer, then the GPS IFD with latitude ref "N".
    let mut exif = b"II\x2a\0\x08\0\0\0\x01\0".to_vec();
    exif.extend_from_slice(&[0x25, 0x88, 0x04, 0x00, 0x01, 0, 0, 0, 0x1a, 0, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    exif.extend_from_slice(&[0x01, 0x00]);
    exif.extend_from_slice(&[0x01, 0x00, 0x02, 0x00, 0x02, 0, 0, 0, b'N', 0, 0, 0]);
    exif.extend_from_slice(&[0, 0, 0, 0]);
    encoder.set_exif_metadata(exif).expect("exif");
    encoder
        .write_image(
            pixels.as_raw(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )
        .expect("encode");
    out
}

/// A PNG whose header claims `width`×`height` pixels, in a few dozen bytes.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
        out
    };
    let mut header = width.to_be_bytes().to_vec();
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &header));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

#[tokio::test]
async fn images_get_previews_without_exif_and_bombs_get_none() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;

    let photo = photo_with_gps(1200, 900);
    assert!(
        photo.windows(4).any(|w| w == b"Exif"),
        "the photo carries EXIF"
    );
    let (status, info) = upload(&app, &anna, "carrer.jpg", &photo).await;
    assert_eq!(status, 201, "{info}");
    assert_eq!(
        (info["width"].as_u64(), info["height"].as_u64()),
        (Some(1200), Some(900))
    );
    let id = info["id"].as_str().expect("id");
    let thumbnail = |who: &Session, id: &str| {
        let request = app
            .http
            .get(app.url(&format!("/api/v1/files/{id}/thumbnail")))
            .bearer_auth(&who.token);
        async move {
            let response = request.send().await.expect("sent");
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            (
                status,
                headers,
                response.bytes().await.expect("bytes").to_vec(),
            )
        }
    };
    let (status, headers, preview) = thumbnail(&anna, id).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap_or("")
            .starts_with("inline;")
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    let decoded = image::load_from_memory(&preview).expect("a preview decodes");
    assert_eq!((decoded.width(), decoded.height()), (400, 300));
    assert!(
        !preview.windows(4).any(|w| w == b"Exif"),
        "no EXIF, so no GPS position"
    );
    assert_eq!(thumbnail(&bernat, id).await.0, 404, "not bernat's to see");
    let (_, _, original) = download(&app, &anna, id, None).await;
    assert_eq!(original, photo, "the original is kept byte for byte");

    // A bomb: accepted and downloadable, with no size and no preview, and the server lives.
    let bomb = png_bomb(100_000, 100_000);
    let (status, info) = upload(&app, &anna, "bomba.png", &bomb).await;
    assert_eq!(status, 201, "{info}");
    assert_eq!(info["content_type"], "image/png");
    assert!(
        info.get("width").is_none() && info.get("height").is_none(),
        "{info}"
    );
    let bomb_id = info["id"].as_str().expect("id");
    assert_eq!(thumbnail(&anna, bomb_id).await.0, 404);
    assert_eq!(download(&app, &anna, bomb_id, None).await.2, bomb);
    let pdf = uploaded(&app, &anna, "acta.pdf", b"%PDF-1.7\n").await;
    assert_eq!(
        thumbnail(&anna, &pdf).await.0,
        404,
        "no preview of a document"
    );
    assert_eq!(app.get("/api/v1/me", &anna.token).await.0, 200);
}
