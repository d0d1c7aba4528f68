//! The example bots, run for real against the server: a person (a WebSocket client) talks to
//! them as they would in the web client. `.ci/run` prepares what they need (the Python venv)
//! and runs this suite with `--features example-bots`.

mod telegram_ptb;
