//! `notify-bot`: post a notification, or follow a channel and answer `!estat`.
//!
//! ```sh
//! export XERRADA_URL=http://127.0.0.1:8080 XERRADA_BOT_TOKEN=xbot_...
//! notify-bot post <channel_id> "Còpia de seguretat feta"
//! notify-bot follow <channel_id>
//! ```

use std::process::ExitCode;

use notify_bot::Bot;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Ok(url), Ok(token)) = (
        std::env::var("XERRADA_URL"),
        std::env::var("XERRADA_BOT_TOKEN"),
    ) else {
        eprintln!("set XERRADA_URL and XERRADA_BOT_TOKEN");
        return ExitCode::FAILURE;
    };
    let bot = Bot::new(url, token);
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["post", channel, text] => {
            let key = format!("notify-{}", std::process::id());
            bot.post(channel, text, &key)
                .await
                .map(|m| println!("posted seq {}", m.seq))
        }
        ["follow", channel] => {
            let started = std::time::Instant::now();
            let status = move || format!("En marxa des de fa {} s.", started.elapsed().as_secs());
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            match bot.join(channel).await {
                Ok(()) => bot
                    .follow(channel, status, stop)
                    .await
                    .map(|n| println!("answered {n}")),
                Err(e) => Err(e),
            }
        }
        _ => {
            eprintln!(
                "usage: notify-bot post <channel_id> <text> | notify-bot follow <channel_id>"
            );
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("notify-bot: {e}");
            ExitCode::FAILURE
        }
    }
}
