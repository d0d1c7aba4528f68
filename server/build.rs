//! Builds the web client (`web-client/`, TypeScript + Vite) into `web-client/dist`, which the
//! server embeds, whenever the bundle is missing or older than its sources.
//!
//! Set `XERRADA_SKIP_WEB_BUILD=1` to skip it (the server then serves whatever `dist` holds,
//! or a page saying the client was not built).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// Sources whose change means the bundle must be rebuilt.
const INPUTS: &[&str] = &[
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
];

fn main() {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../web-client");
    let dist = web.join("dist");
    println!("cargo:rerun-if-env-changed=XERRADA_SKIP_WEB_BUILD");
    for input in INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    println!(
        "cargo:rerun-if-changed={}",
        dist.join("index.html").display()
    );

    let skip =
        std::env::var_os("XERRADA_SKIP_WEB_BUILD").is_some_and(|v| v != "0" && !v.is_empty());
    if skip || !web.join("package.json").exists() {
        ensure_placeholder(&dist);
        return;
    }
    let built_at = modified(&dist.join("index.html"));
    let newest_input = INPUTS.iter().filter_map(|i| newest(&web.join(i))).max();
    let stale = match (built_at, newest_input) {
        (Some(built), Some(input)) => input > built,
        (None, _) => true,
        (Some(_), None) => false,
    };
    if !stale {
        return;
    }
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        panic!(
            "\n\nBuilding Xerrada needs Node.js (20 or newer) and npm to build the web client.\n\
             Install them (Debian/Ubuntu: `apt-get install nodejs npm`), or set\n\
             XERRADA_SKIP_WEB_BUILD=1 to build the server without the web client.\n\n"
        );
    }
    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    if !installed.exists() || modified(&lock) > modified(&installed) {
        run(Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&web));
    }
    run(Command::new(npm).args(["run", "build"]).current_dir(&web));
}

fn run(command: &mut Command) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    if !status.success() {
        panic!(
            "{command:?} failed ({status}); set XERRADA_SKIP_WEB_BUILD=1 to build without the web client"
        );
    }
}

/// A minimal page so the server builds and tells the operator what is missing.
fn ensure_placeholder(dist: &Path) {
    if dist.join("index.html").exists() {
        return;
    }
    std::fs::create_dir_all(dist).expect("create web-client/dist");
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><meta charset=\"utf-8\"><title>Xerrada</title>\
         <p>The Xerrada web client was not built (XERRADA_SKIP_WEB_BUILD). The API is at /api/v1.</p>\n",
    )
    .expect("write placeholder index.html");
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file or of any file under a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| newest(&entry.path()))
        .max()
}
