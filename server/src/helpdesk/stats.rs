//! The desk's service figures: first response and resolution times, tickets per week, the
//! backlog, per assignee, and the requesters' satisfaction. [`figures`] is a pure function
//! of the tickets and their histories, so a scripted history has known answers.

use std::collections::{BTreeMap, HashMap};

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};
use xerrada_protocol::{
    AssigneeFigures, CountBy, DurationFigures, Satisfaction, Ticket, TicketEvent, TicketStats,
    TicketStatus, WeekFigures,
};

/// History kind of a requester's answer to the satisfaction question; `detail` is `up` or
/// `down`.
pub const RATING: &str = "rating";
/// History kind of a ticket its requester closed as solved by an `/info` article; `detail`
/// is the article's topic.
pub const SOLVED_BY: &str = "solved_by";

/// The figures of `tickets` (those opened in `[from, to)`, each with its history) and the
/// current `backlog` (every ticket not closed).
pub fn figures(
    from: OffsetDateTime,
    to: OffsetDateTime,
    tickets: &[(Ticket, Vec<TicketEvent>)],
    backlog: &[Ticket],
) -> TicketStats {
    let mut first_responses = Vec::new();
    let mut resolutions = Vec::new();
    let mut weeks: BTreeMap<Date, (i64, i64)> = BTreeMap::new();
    let mut week = monday_of(from.date());
    while week < to.date() {
        weeks.insert(week, (0, 0));
        week += Duration::weeks(1);
    }
    let mut assignees: BTreeMap<String, (i64, i64, Vec<i64>)> = BTreeMap::new();
    let mut satisfaction = Satisfaction::default();
    for (ticket, history) in tickets {
        let Some(opened) = parse(&ticket.created_at) else {
            continue;
        };
        weeks.entry(monday_of(opened.date())).or_default().0 += 1;
        if let Some(first) = history
            .iter()
            .find(|e| e.kind == "comment" && e.actor_id != ticket.requester_id)
            .and_then(|e| parse(&e.at))
        {
            first_responses.push((first - opened).whole_seconds());
        }
        let done = matches!(ticket.status, TicketStatus::Resolved | TicketStatus::Closed);
        let resolved_at = history
            .iter()
            .rev()
            .find(|e| e.kind == "status" && (e.detail == "resolved" || e.detail == "closed"))
            .and_then(|e| parse(&e.at))
            .filter(|_| done);
        let resolution = resolved_at.map(|at| (at - opened).whole_seconds());
        if let (Some(at), Some(secs)) = (resolved_at, resolution) {
            resolutions.push(secs);
            if let Some(counts) = weeks.get_mut(&monday_of(at.date())) {
                counts.1 += 1;
            }
        }
        if let Some(assignee) = &ticket.assignee_id {
            let entry = assignees.entry(assignee.clone()).or_default();
            match resolution {
                Some(secs) => {
                    entry.1 += 1;
                    entry.2.push(secs);
                }
                None => entry.0 += 1,
            }
        }
        match history.iter().rev().find(|e| e.kind == RATING) {
            Some(rating) if rating.detail == "up" => satisfaction.up += 1,
            Some(rating) if rating.detail == "down" => satisfaction.down += 1,
            _ => {}
        }
    }
    TicketStats {
        from: crate::ids::format_time(from),
        to: crate::ids::format_time(to),
        opened: tickets.len() as i64,
        first_response: durations(first_responses),
        resolution: durations(resolutions),
        weeks: weeks
            .into_iter()
            .map(|(week, (opened, closed))| WeekFigures {
                week: week.to_string(),
                opened,
                closed,
            })
            .collect(),
        backlog_by_status: count_by(
            backlog
                .iter()
                .filter(|t| t.status != TicketStatus::Closed)
                .map(|t| t.status.as_str().to_owned()),
        ),
        backlog_by_category: count_by(
            backlog
                .iter()
                .filter(|t| t.status != TicketStatus::Closed)
                .map(|t| t.category.clone()),
        ),
        by_assignee: assignees
            .into_iter()
            .map(|(assignee_id, (open, resolved, secs))| AssigneeFigures {
                assignee_id,
                open,
                resolved,
                resolution: durations(secs),
            })
            .collect(),
        satisfaction,
        solved_by_article: count_by(
            tickets
                .iter()
                .flat_map(|(_, history)| history.iter().filter(|e| e.kind == SOLVED_BY))
                .map(|e| e.detail.clone()),
        ),
    }
}

/// One CSV line per ticket of the period, for a spreadsheet.
pub fn csv_rows(tickets: &[(Ticket, Vec<TicketEvent>)]) -> Vec<[String; 10]> {
    tickets
        .iter()
        .map(|(ticket, history)| {
            let single = figures(
                OffsetDateTime::UNIX_EPOCH,
                OffsetDateTime::UNIX_EPOCH,
                std::slice::from_ref(&(ticket.clone(), history.clone())),
                &[],
            );
            let secs =
                |d: &DurationFigures| d.median_secs.map(|s| s.to_string()).unwrap_or_default();
            let rating = history
                .iter()
                .rev()
                .find(|e| e.kind == RATING)
                .map(|e| e.detail.clone())
                .unwrap_or_default();
            [
                ticket.number.to_string(),
                ticket.title.clone(),
                ticket.status.as_str().to_owned(),
                ticket.priority.as_str().to_owned(),
                ticket.category.clone(),
                ticket.assignee_id.clone().unwrap_or_default(),
                ticket.created_at.clone(),
                secs(&single.first_response),
                secs(&single.resolution),
                rating,
            ]
        })
        .collect()
}

pub const CSV_HEADER: [&str; 10] = [
    "number",
    "title",
    "status",
    "priority",
    "category",
    "assignee_id",
    "created_at",
    "first_response_secs",
    "resolution_secs",
    "rating",
];

fn parse(at: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(at, &Rfc3339).ok()
}

fn monday_of(date: Date) -> Date {
    let back = date.weekday().number_days_from_monday();
    date - Duration::days(i64::from(back))
}

fn count_by(keys: impl Iterator<Item = String>) -> Vec<CountBy> {
    let mut counts: HashMap<String, i64> = HashMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    let mut counts: Vec<CountBy> = counts
        .into_iter()
        .map(|(key, count)| CountBy { key, count })
        .collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    counts
}

/// The median and 90th percentile by nearest rank (a value that occurred, never an average).
fn durations(mut secs: Vec<i64>) -> DurationFigures {
    secs.sort_unstable();
    let rank = |p: f64| -> Option<i64> {
        if secs.is_empty() {
            return None;
        }
        let index = ((p * secs.len() as f64).ceil() as usize).clamp(1, secs.len()) - 1;
        Some(secs[index])
    };
    DurationFigures {
        count: secs.len() as i64,
        median_secs: rank(0.5),
        p90_secs: rank(0.9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Weekday;
    use xerrada_protocol::TicketPriority;

    fn ticket(number: i64, opened: &str, status: TicketStatus, assignee: Option<&str>) -> Ticket {
        Ticket {
            number,
            requester_id: "u-anna".into(),
            title: format!("t{number}"),
            description: "d".into(),
            category: if number % 2 == 0 {
                "xarxa/VPN"
            } else {
                "maquinari"
            }
            .into(),
            priority: TicketPriority::Normal,
            status,
            assignee_id: assignee.map(str::to_owned),
            created_at: opened.into(),
            updated_at: opened.into(),
        }
    }

    fn event(at: &str, actor: &str, kind: &str, detail: &str) -> TicketEvent {
        TicketEvent {
            at: at.into(),
            actor_id: actor.into(),
            kind: kind.into(),
            detail: detail.into(),
        }
    }

    fn at(text: &str) -> OffsetDateTime {
        OffsetDateTime::parse(text, &Rfc3339).expect("time")
    }

    /// Five tickets over two weeks with known times.
    #[test]
    fn a_scripted_history_gives_the_known_figures() {
        let t = |n, opened, status, assignee| ticket(n, opened, status, assignee);
        let history = vec![
            // #1: answered after 10 min, resolved after 2 h, then closed after 3 h; rated up.
            (
                t(
                    1,
                    "2026-11-30T08:00:00.000Z",
                    TicketStatus::Closed,
                    Some("u-marta"),
                ),
                vec![
                    event("2026-11-30T08:00:00.000Z", "u-anna", "opened", "t1"),
                    event("2026-11-30T08:05:00.000Z", "u-anna", "comment", "more"),
                    event("2026-11-30T08:10:00.000Z", "u-marta", "comment", "on it"),
                    event("2026-11-30T10:00:00.000Z", "u-marta", "status", "resolved"),
                    event("2026-11-30T11:00:00.000Z", "u-anna", "status", "closed"),
                    event(
                        "2026-11-30T11:00:00.000Z",
                        "u-anna",
                        SOLVED_BY,
                        "impressores",
                    ),
                    event("2026-11-30T11:01:00.000Z", "u-anna", RATING, "down"),
                    event("2026-11-30T11:02:00.000Z", "u-anna", RATING, "up"),
                ],
            ),
            // #2: answered after 1 h, resolved after 1 day; rated down.
            (
                t(
                    2,
                    "2026-12-01T09:00:00.000Z",
                    TicketStatus::Resolved,
                    Some("u-marta"),
                ),
                vec![
                    event(
                        "2026-12-01T10:00:00.000Z",
                        "u-pere",
                        "comment",
                        "which one?",
                    ),
                    event("2026-12-02T09:00:00.000Z", "u-pere", "status", "resolved"),
                    event("2026-12-02T09:05:00.000Z", "u-anna", RATING, "down"),
                ],
            ),
            // #3: a note is no response; resolved then reopened: not resolved now.
            (
                t(
                    3,
                    "2026-12-02T12:00:00.000Z",
                    TicketStatus::Open,
                    Some("u-pere"),
                ),
                vec![
                    event("2026-12-02T12:30:00.000Z", "u-pere", "note", "internal"),
                    event("2026-12-02T13:00:00.000Z", "u-pere", "status", "resolved"),
                    event("2026-12-02T14:00:00.000Z", "u-anna", "status", "open"),
                ],
            ),
            // #4 (next week): answered after 30 min, resolved after 4 h, nobody assigned.
            (
                t(4, "2026-12-07T08:00:00.000Z", TicketStatus::Resolved, None),
                vec![
                    event("2026-12-07T08:30:00.000Z", "u-marta", "comment", "hi"),
                    event("2026-12-07T12:00:00.000Z", "u-marta", "status", "resolved"),
                ],
            ),
            // #5: untouched.
            (
                t(5, "2026-12-08T08:00:00.000Z", TicketStatus::Open, None),
                vec![],
            ),
        ];
        let backlog: Vec<Ticket> = history.iter().map(|(t, _)| t.clone()).collect();
        let stats = figures(
            at("2026-11-30T00:00:00Z"),
            at("2026-12-14T00:00:00Z"),
            &history,
            &backlog,
        );
        assert_eq!(stats.opened, 5);
        // First responses: 600, 3600, 1800 s.
        assert_eq!(
            stats.first_response,
            DurationFigures {
                count: 3,
                median_secs: Some(1800),
                p90_secs: Some(3600)
            }
        );
        // Resolutions: #1 3 h (its last resolution is the close), #2 1 day, #4 4 h.
        assert_eq!(
            stats.resolution,
            DurationFigures {
                count: 3,
                median_secs: Some(4 * 3600),
                p90_secs: Some(86_400)
            }
        );
        assert_eq!(
            stats.weeks,
            vec![
                WeekFigures {
                    week: "2026-11-30".into(),
                    opened: 3,
                    closed: 2
                },
                WeekFigures {
                    week: "2026-12-07".into(),
                    opened: 2,
                    closed: 1
                },
            ]
        );
        assert_eq!(
            stats.backlog_by_status,
            vec![
                CountBy {
                    key: "open".into(),
                    count: 2
                },
                CountBy {
                    key: "resolved".into(),
                    count: 2
                },
            ]
        );
        assert_eq!(
            stats
                .backlog_by_category
                .iter()
                .map(|c| c.count)
                .sum::<i64>(),
            4
        );
        assert_eq!(
            stats.by_assignee,
            vec![
                AssigneeFigures {
                    assignee_id: "u-marta".into(),
                    open: 0,
                    resolved: 2,
                    resolution: DurationFigures {
                        count: 2,
                        median_secs: Some(3 * 3600),
                        p90_secs: Some(86_400)
                    }
                },
                AssigneeFigures {
                    assignee_id: "u-pere".into(),
                    open: 1,
                    resolved: 0,
                    resolution: DurationFigures::default()
                },
            ]
        );
        assert_eq!(stats.satisfaction, Satisfaction { up: 1, down: 1 });
        assert_eq!(
            stats.solved_by_article,
            vec![CountBy {
                key: "impressores".into(),
                count: 1
            }]
        );
        assert_eq!(
            monday_of(at("2026-12-06T10:00:00Z").date()).weekday(),
            Weekday::Monday
        );
        let rows = csv_rows(&history);
        assert_eq!(rows[1][7], "3600");
        assert_eq!(rows[1][8], "86400");
        assert_eq!(rows[1][9], "down");
        assert_eq!(rows[4][7], "");
    }
}
