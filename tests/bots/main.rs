//! The example bots, run for real against the server: a person (a WebSocket client) talks to
//! them as they would in the web client. `.ci/run` prepares what they need (the Python venv,
//! the teloxide build) and runs this suite with `--features example-bots`.

mod scenario;

use scenario::{ExampleBot, it_support_conversation};

#[tokio::test]
async fn a_python_telegram_bot_runs_unchanged_across_restarts() {
    it_support_conversation(ExampleBot::python_telegram_bot()).await;
}

#[tokio::test]
async fn a_teloxide_bot_runs_unchanged_across_restarts() {
    it_support_conversation(ExampleBot::teloxide()).await;
}
