//! The store conformance suite: behaviour every `Store` backend must show, written once
//! against the trait. A backend's test file calls [`store_conformance!`] with a factory that
//! returns a fresh, empty store.

use std::sync::Arc;

use xerrada::ids;
use xerrada::store::*;
use xerrada_protocol::Reaction;

/// Expands to one `#[tokio::test]` per conformance check, each on a fresh store from
/// `$factory`: an async expression returning `(Arc<dyn Store>, guard)`, where the guard keeps
/// the backing database alive (a temp dir, a scratch schema) until the check ends.
#[macro_export]
macro_rules! store_conformance {
    ($factory:expr) => {
        $crate::store_conformance!(@tests $factory;
            users_are_unique_by_case_insensitive_username,
            users_can_be_listed_updated_and_deactivated,
            departments_own_a_channel_whose_members_follow_them,
            batches_assign_gap_free_seqs_per_channel,
            client_msg_id_makes_posts_idempotent,
            bodies_are_stored_byte_for_byte,
            writes_to_missing_channels_or_bad_thread_roots_change_nothing,
            history_pages_in_both_directions,
            events_include_membership_changes,
            read_markers_only_move_forward_within_the_channel,
            channel_views_count_unread_messages_of_others,
            direct_channels_are_found_by_their_member_set,
            refresh_tokens_rotate_and_reuse_revokes_the_session,
            a_refresh_token_presented_again_within_the_grace_rotates_again,
            the_audit_log_is_read_back_through_its_filters,
            messages_about_a_ticket_are_found_by_their_place,
            membership_changes_bump_the_membership_version,
            bot_tokens_are_found_by_hash_listed_and_revoked,
            webhooks_are_found_by_secret_until_regenerated_or_deleted,
            message_extras_round_trip,
            edits_are_events_and_change_the_message_in_place,
            slash_commands_and_response_grants,
            tickets_keep_their_history,
            ticket_files_are_kept_with_the_ticket,
            telegram_updates_are_queued_once_per_event,
            info_articles_are_kept_per_language,
            concurrent_batches_on_one_channel_stay_gap_free,
            one_key_posted_by_concurrent_batches_is_stored_once,
            channel_heads_follow_each_channel_last_seq,
            shared_secrets_keep_the_first_value,
            one_batch_can_reply_to_edit_and_repeat_its_own_posts,
            reactions_and_deletes_are_events_and_keep_earlier_versions,
            threads_summarise_their_replies_and_count_unread_from_seqs,
            mentions_are_kept_with_their_message_and_counted_until_read,
            pins_are_events_and_saved_messages_are_personal,
            channel_changes_are_events_and_mutes_are_personal,
            files_are_posted_once_and_detached_with_their_message,
            search_folds_accents_case_and_catalan_punctuation,
            every_post_of_a_large_batch_is_found_by_its_own_words,
            a_search_finds_the_same_in_few_channels_as_in_many,
            a_prefix_finds_every_word_it_starts,
        );
    };
    (@tests $factory:expr; $($check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let (store, _guard): (std::sync::Arc<dyn xerrada::store::Store>, _) = $factory.await;
                $crate::conformance::$check(store).await;
            }
        )*
    };
}

fn new_user(username: &str) -> NewUser {
    NewUser {
        id: ids::new_id(),
        username: username.into(),
        display_name: format!("User {username}"),
        kind: UserKind::Human,
        role: Role::Member,
        password_hash: Some("hash".into()),
        email: String::new(),
        created_at: ids::now(),
    }
}

fn new_channel(name: &str, kind: ChannelKind) -> NewChannel {
    NewChannel {
        id: ids::new_id(),
        name: name.into(),
        kind,
        department_id: None,
        topic: String::new(),
        dm_key: None,
        created_at: ids::now(),
        created_by: None,
    }
}

fn post(channel_id: &str, author_id: &str, body: &str, client_msg_id: Option<&str>) -> WriteOp {
    WriteOp::post(channel_id, author_id, body.into(), None)
        .keyed(client_msg_id.map(str::to_owned), None)
}

fn committed_seq(outcome: &WriteOutcome) -> i64 {
    match outcome {
        WriteOutcome::Committed(event) => event.seq,
        other => panic!("expected a committed event, got {other:?}"),
    }
}

async fn user(store: &Arc<dyn Store>, username: &str) -> User {
    store
        .create_user(new_user(username))
        .await
        .expect("user created")
}

async fn channel_with(store: &Arc<dyn Store>, kind: ChannelKind, members: &[&User]) -> String {
    let channel = new_channel("canal", kind);
    let ids: Vec<String> = members.iter().map(|u| u.id.clone()).collect();
    store
        .create_channel(channel.clone(), &ids)
        .await
        .expect("channel created");
    channel.id
}

pub async fn users_are_unique_by_case_insensitive_username(store: Arc<dyn Store>) {
    let anna = user(&store, "Anna").await;
    assert_eq!(anna.username, "Anna");
    assert!(anna.active);
    assert!(matches!(
        store.create_user(new_user("anna")).await,
        Err(StoreError::Conflict(_))
    ));
    let found = store
        .credentials_by_username("ANNA")
        .await
        .expect("query")
        .expect("found");
    assert_eq!(found.user.id, anna.id);
    assert_eq!(found.password_hash.as_deref(), Some("hash"));
    assert_eq!(store.user_by_id(&anna.id).await.expect("query"), Some(anna));
    assert_eq!(store.user_by_id("nobody").await.expect("query"), None);
}

pub async fn users_can_be_listed_updated_and_deactivated(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    user(&store, "bernat").await;
    let all = store.list_users(None, 100).await.expect("list");
    assert_eq!(
        all.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(),
        ["anna", "bernat"]
    );
    let matched = store.list_users(Some("BERN"), 100).await.expect("list");
    assert_eq!(matched.len(), 1);
    let change = UserChange {
        display_name: Some("Anna Puig".into()),
        role: Some(Role::Admin),
        ..UserChange::default()
    };
    let updated = store
        .update_user(&anna.id, change)
        .await
        .expect("update")
        .expect("exists");
    assert_eq!(
        (updated.display_name.as_str(), updated.role),
        ("Anna Puig", Role::Admin)
    );
    assert_eq!(
        store
            .password_hash(&anna.id)
            .await
            .expect("hash")
            .as_deref(),
        Some("hash")
    );
    // A language is remembered per person, and unknown until said.
    let language = |id: String| {
        let store = store.clone();
        async move { store.language(&id).await.expect("language") }
    };
    assert_eq!(language(anna.id.clone()).await, None);
    store.set_language(&anna.id, "es").await.expect("set");
    store.set_language(&anna.id, "en").await.expect("set");
    assert_eq!(language(anna.id.clone()).await.as_deref(), Some("en"));
    assert_eq!(language("nobody".into()).await, None);
    let session = NewSession {
        id: ids::new_id(),
        user_id: anna.id.clone(),
        refresh_hash: "r1".into(),
        created_at: ids::now(),
        expires_at: "2999-01-01T00:00:00.000Z".into(),
    };
    store
        .create_session(session.clone())
        .await
        .expect("session");
    let revoked = store
        .deactivate_user(&anna.id, &ids::now())
        .await
        .expect("deactivate")
        .expect("exists");
    assert_eq!(revoked, vec![session.id.clone()]);
    assert!(
        !store
            .user_by_id(&anna.id)
            .await
            .expect("q")
            .expect("u")
            .active
    );
    assert_eq!(
        store
            .deactivate_user("nobody", &ids::now())
            .await
            .expect("q"),
        None
    );
}

pub async fn departments_own_a_channel_whose_members_follow_them(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = NewChannel {
        department_id: None,
        ..new_channel("urbanisme", ChannelKind::Private)
    };
    let department = Department {
        id: ids::new_id(),
        slug: "urbanisme".into(),
        name: "Urbanisme".into(),
        channel_id: channel.id.clone(),
    };
    let channel = NewChannel {
        department_id: Some(department.id.clone()),
        ..channel
    };
    store
        .create_department(department.clone(), channel.clone())
        .await
        .expect("department");
    let again = Department {
        id: ids::new_id(),
        channel_id: ids::new_id(),
        ..department.clone()
    };
    let again_channel = NewChannel {
        id: again.channel_id.clone(),
        ..channel.clone()
    };
    assert!(matches!(
        store.create_department(again, again_channel).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.list_departments().await.expect("list"),
        vec![department.clone()]
    );
    assert_eq!(
        store.department_by_slug("urbanisme").await.expect("q"),
        Some(department.clone())
    );
    let join = WriteOp::AddDepartmentMember {
        department_id: department.id.clone(),
        user_id: anna.id.clone(),
        at: ids::now(),
    };
    let outcomes = store
        .apply_batch(&[join.clone(), join])
        .await
        .expect("batch");
    assert_eq!(committed_seq(&outcomes[0]), 1);
    assert_eq!(outcomes[1], WriteOutcome::Unchanged);
    let anna_now = store.user_by_id(&anna.id).await.expect("q").expect("u");
    assert_eq!(anna_now.department_ids, vec![department.id.clone()]);
    let members = store.all_channel_members().await.expect("members");
    let entry = members
        .iter()
        .find(|c| c.channel_id == channel.id)
        .expect("department channel listed");
    assert!(entry.follows_department);
    assert_eq!(entry.member_ids, vec![anna.id.clone()]);
    let leave = WriteOp::RemoveDepartmentMember {
        department_id: department.id.clone(),
        user_id: anna.id.clone(),
        at: ids::now(),
    };
    let outcomes = store.apply_batch(&[leave]).await.expect("batch");
    assert_eq!(committed_seq(&outcomes[0]), 2);
    let anna_now = store.user_by_id(&anna.id).await.expect("q").expect("u");
    assert!(anna_now.department_ids.is_empty());
}

pub async fn batches_assign_gap_free_seqs_per_channel(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let a = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let b = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let ops = vec![
        post(&a, &anna.id, "a1", None),
        post(&b, &anna.id, "b1", None),
        post(&a, &anna.id, "a2", None),
    ];
    let outcomes = store.apply_batch(&ops).await.expect("batch");
    let seqs: Vec<i64> = outcomes.iter().map(committed_seq).collect();
    assert_eq!(seqs, [1, 1, 2]);
    let outcomes = store
        .apply_batch(&[post(&a, &anna.id, "a3", None)])
        .await
        .expect("batch");
    assert_eq!(committed_seq(&outcomes[0]), 3);
    let record = store.channel_by_id(&a).await.expect("q").expect("channel");
    assert_eq!(record.last_seq, 3);
    assert_eq!(record.member_count, 1);
}

pub async fn client_msg_id_makes_posts_idempotent(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let outcomes = store
        .apply_batch(&[
            post(&channel, &anna.id, "hola", Some("m-1")),
            post(&channel, &anna.id, "hola again", Some("m-1")),
            // Another author may use the same key.
            post(&channel, &bernat.id, "hola", Some("m-1")),
        ])
        .await
        .expect("batch");
    assert_eq!(committed_seq(&outcomes[0]), 1);
    let WriteOutcome::Duplicate(original) = &outcomes[1] else {
        panic!("expected duplicate, got {:?}", outcomes[1]);
    };
    assert_eq!(original.seq, 1);
    assert_eq!(committed_seq(&outcomes[2]), 2);
    let later = store
        .apply_batch(&[post(&channel, &anna.id, "x", Some("m-1"))])
        .await
        .expect("batch");
    assert!(matches!(&later[0], WriteOutcome::Duplicate(e) if e.seq == 1));
    let slice = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history");
    assert_eq!(slice.messages.len(), 2);
    assert_eq!(slice.messages[0].body, "hola");
}

pub async fn bodies_are_stored_byte_for_byte(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let bodies = [
        "'); DROP TABLE events; --".to_string(),
        "  leading and trailing spaces \n\t".to_string(),
        // NUL never reaches a store (input refuses it: PostgreSQL text cannot hold it), but
        // every other control character is kept.
        "control\u{1}\u{7}\u{1b}[0m\u{7f}chars".to_string(),
        "àéïõü ñ ç · l·l 🎉👩‍👩‍👧 עברית 中文".repeat(100),
    ];
    let ops: Vec<WriteOp> = bodies
        .iter()
        .map(|b| post(&channel, &anna.id, b, None))
        .collect();
    store.apply_batch(&ops).await.expect("batch");
    let slice = store
        .messages(&channel, HistoryQuery::After { seq: 0, limit: 10 })
        .await
        .expect("history");
    let stored: Vec<&str> = slice.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        stored,
        bodies.iter().map(String::as_str).collect::<Vec<_>>()
    );
}

pub async fn writes_to_missing_channels_or_bad_thread_roots_change_nothing(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let mut reply = post(&channel, &anna.id, "reply", None);
    if let WriteOp::PostMessage { thread_root, .. } = &mut reply {
        *thread_root = Some(99);
    }
    let outcomes = store
        .apply_batch(&[
            post("no-such-channel", &anna.id, "x", None),
            reply,
            WriteOp::AddMember {
                channel_id: channel.clone(),
                user_id: "no-such-user".into(),
                at: ids::now(),
            },
            post(&channel, &anna.id, "ok", None),
        ])
        .await
        .expect("batch");
    assert_eq!(outcomes[0], WriteOutcome::NotFound);
    assert_eq!(outcomes[1], WriteOutcome::InvalidThreadRoot);
    assert_eq!(outcomes[2], WriteOutcome::NotFound);
    assert_eq!(
        committed_seq(&outcomes[3]),
        1,
        "failed writes consume no seq"
    );
}

pub async fn history_pages_in_both_directions(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let ops: Vec<WriteOp> = (1..=10)
        .map(|i| post(&channel, &anna.id, &format!("m{i}"), None))
        .collect();
    store.apply_batch(&ops).await.expect("batch");
    let seqs = |slice: &MessageSlice| slice.messages.iter().map(|m| m.seq).collect::<Vec<_>>();
    let latest = store
        .messages(&channel, HistoryQuery::Latest { limit: 3 })
        .await
        .expect("q");
    assert_eq!((seqs(&latest), latest.has_more), (vec![8, 9, 10], true));
    let before = store
        .messages(&channel, HistoryQuery::Before { seq: 8, limit: 5 })
        .await
        .expect("q");
    assert_eq!(
        (seqs(&before), before.has_more),
        (vec![3, 4, 5, 6, 7], true)
    );
    let first = store
        .messages(&channel, HistoryQuery::Before { seq: 3, limit: 5 })
        .await
        .expect("q");
    assert_eq!((seqs(&first), first.has_more), (vec![1, 2], false));
    let after = store
        .messages(&channel, HistoryQuery::After { seq: 7, limit: 3 })
        .await
        .expect("q");
    assert_eq!((seqs(&after), after.has_more), (vec![8, 9, 10], false));
}

pub async fn events_include_membership_changes(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let outcomes = store
        .apply_batch(&[
            WriteOp::AddMember {
                channel_id: channel.clone(),
                user_id: bernat.id.clone(),
                at: ids::now(),
            },
            post(&channel, &bernat.id, "hola", None),
            WriteOp::RemoveMember {
                channel_id: channel.clone(),
                user_id: bernat.id.clone(),
                at: ids::now(),
            },
            WriteOp::RemoveMember {
                channel_id: channel.clone(),
                user_id: bernat.id.clone(),
                at: ids::now(),
            },
        ])
        .await
        .expect("batch");
    assert_eq!(outcomes[3], WriteOutcome::Unchanged);
    let events = store.events_after(&channel, 0, 10).await.expect("events");
    let kinds: Vec<(i64, &str)> = events
        .iter()
        .map(|e| {
            let kind = match &e.kind {
                EventKind::Message(_) => "message",
                EventKind::MessageUpdated(_) => "updated",
                EventKind::MemberJoined { .. } => "joined",
                EventKind::MemberLeft { .. } => "left",
                _ => "other",
            };
            (e.seq, kind)
        })
        .collect();
    assert_eq!(kinds, [(1, "joined"), (2, "message"), (3, "left")]);
    assert_eq!(
        store.events_after(&channel, 2, 10).await.expect("q").len(),
        1
    );
}

pub async fn read_markers_only_move_forward_within_the_channel(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let ops: Vec<WriteOp> = (0..5)
        .map(|_| post(&channel, &anna.id, "m", None))
        .collect();
    store.apply_batch(&ops).await.expect("batch");
    assert_eq!(
        store.mark_read(&channel, &anna.id, 3).await.expect("read"),
        3
    );
    assert_eq!(
        store.mark_read(&channel, &anna.id, 1).await.expect("read"),
        3
    );
    assert_eq!(
        store.mark_read(&channel, &anna.id, 99).await.expect("read"),
        5
    );
}

pub async fn channel_views_count_unread_messages_of_others(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let shared = channel_with(&store, ChannelKind::Private, &[&anna, &bernat]).await;
    let public = channel_with(&store, ChannelKind::Public, &[&bernat]).await;
    let hidden = channel_with(&store, ChannelKind::Private, &[&bernat]).await;
    store
        .apply_batch(&[
            post(&shared, &bernat.id, "1", None),
            post(&shared, &anna.id, "2", None),
            post(&shared, &bernat.id, "3", None),
        ])
        .await
        .expect("batch");
    let views = store.channels_for_user(&anna.id).await.expect("views");
    let ids: Vec<&str> = views.iter().map(|v| v.channel.id.as_str()).collect();
    assert!(ids.contains(&shared.as_str()) && ids.contains(&public.as_str()));
    assert!(!ids.contains(&hidden.as_str()));
    let view = store
        .channel_view(&shared, &anna.id)
        .await
        .expect("q")
        .expect("view");
    assert!(view.joined);
    assert_eq!((view.last_read_seq, view.unread), (0, 2));
    store.mark_read(&shared, &anna.id, 1).await.expect("read");
    let view = store
        .channel_view(&shared, &anna.id)
        .await
        .expect("q")
        .expect("view");
    assert_eq!((view.last_read_seq, view.unread), (1, 1));
    let public_view = store
        .channel_view(&public, &anna.id)
        .await
        .expect("q")
        .expect("view");
    assert!(!public_view.joined);
}

pub async fn direct_channels_are_found_by_their_member_set(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let mut members = vec![anna.id.clone(), bernat.id.clone()];
    members.sort();
    let key = members.join(",");
    let dm = |id: String| NewChannel {
        id,
        dm_key: Some(key.clone()),
        ..new_channel("anna, bernat", ChannelKind::Direct)
    };
    let (first, created) = store
        .find_or_create_dm(dm(ids::new_id()), &members)
        .await
        .expect("dm");
    assert!(created);
    let (second, created) = store
        .find_or_create_dm(dm(ids::new_id()), &members)
        .await
        .expect("dm");
    assert_eq!((second.as_str(), created), (first.as_str(), false));
    let record = store.channel_by_id(&first).await.expect("q").expect("dm");
    assert_eq!(record.dm_member_ids, Some(members));
}

pub async fn refresh_tokens_rotate_and_reuse_revokes_the_session(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let session = NewSession {
        id: ids::new_id(),
        user_id: anna.id.clone(),
        refresh_hash: "h1".into(),
        created_at: ids::now(),
        expires_at: "2999-01-01T00:00:00.000Z".into(),
    };
    store
        .create_session(session.clone())
        .await
        .expect("session");
    let now = ids::now();
    assert_eq!(
        store
            .rotate_refresh_token("h1", "h2", &now, &now)
            .await
            .expect("rotate"),
        RefreshOutcome::Rotated {
            session_id: session.id.clone(),
            user_id: anna.id.clone()
        }
    );
    assert_eq!(
        store
            .rotate_refresh_token("nope", "h3", &now, &now)
            .await
            .expect("rotate"),
        RefreshOutcome::Invalid
    );
    assert_eq!(
        store
            .rotate_refresh_token("h1", "h3", &now, &now)
            .await
            .expect("rotate"),
        RefreshOutcome::Reused {
            session_id: session.id.clone()
        }
    );
    // The reuse revoked the session: even the current token is refused now.
    assert_eq!(
        store
            .rotate_refresh_token("h2", "h4", &now, &now)
            .await
            .expect("rotate"),
        RefreshOutcome::Invalid
    );
    let revoked = store
        .sessions_revoked_since("2000-01-01T00:00:00.000Z")
        .await
        .expect("q");
    assert_eq!(revoked, vec![session.id.clone()]);
    assert!(
        !store
            .revoke_session(&session.id, &now)
            .await
            .expect("revoke")
    );
}

pub async fn a_refresh_token_presented_again_within_the_grace_rotates_again(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let session = NewSession {
        id: ids::new_id(),
        user_id: anna.id.clone(),
        refresh_hash: "g1".into(),
        created_at: ids::now(),
        expires_at: "2999-01-01T00:00:00.000Z".into(),
    };
    store
        .create_session(session.clone())
        .await
        .expect("session");
    let rotated = RefreshOutcome::Rotated {
        session_id: session.id.clone(),
        user_id: anna.id.clone(),
    };
    let used_at = "2030-01-01T10:00:00.000Z";
    let within_grace = "2030-01-01T09:59:40.000Z";
    assert_eq!(
        store
            .rotate_refresh_token("g1", "g2", used_at, within_grace)
            .await
            .expect("rotate"),
        rotated
    );
    // The answer with g2 was lost: g1 comes back 10 s later and rotates again.
    assert_eq!(
        store
            .rotate_refresh_token("g1", "g3", "2030-01-01T10:00:10.000Z", within_grace)
            .await
            .expect("rotate"),
        rotated
    );
    // Both new tokens are current; the retry did not stretch g1's grace.
    assert_eq!(
        store
            .rotate_refresh_token("g3", "g4", "2030-01-01T10:00:20.000Z", within_grace)
            .await
            .expect("rotate"),
        rotated
    );
    assert_eq!(
        store
            .rotate_refresh_token("g1", "g5", "2030-01-01T10:00:40.000Z", used_at)
            .await
            .expect("rotate"),
        RefreshOutcome::Reused {
            session_id: session.id.clone()
        },
        "after the grace, presenting the token again is a reuse"
    );
    assert_eq!(
        store
            .rotate_refresh_token("g4", "g6", "2030-01-01T10:00:41.000Z", used_at)
            .await
            .expect("rotate"),
        RefreshOutcome::Invalid
    );
}

pub async fn messages_about_a_ticket_are_found_by_their_place(store: Arc<dyn Store>) {
    store.link_ticket_message("dm-1", 7, 3).await.expect("link");
    // Linking the same message again changes nothing.
    store
        .link_ticket_message("dm-1", 7, 4)
        .await
        .expect("link again");
    assert_eq!(
        store.ticket_of_message("dm-1", 7).await.expect("q"),
        Some(3)
    );
    assert_eq!(store.ticket_of_message("dm-1", 8).await.expect("q"), None);
    assert_eq!(store.ticket_of_message("dm-2", 7).await.expect("q"), None);
}

/// A failed login's audit entry, as a backend's own tests append it.
pub fn failed_login_entry(username: &str) -> NewAuditEntry {
    NewAuditEntry {
        at: ids::now(),
        actor_id: None,
        actor_name: username.into(),
        action: "auth.login_failed".into(),
        target: String::new(),
        ip: None,
        details: "{}".into(),
    }
}

pub async fn the_audit_log_is_read_back_through_its_filters(store: Arc<dyn Store>) {
    let entry = |at: &str, actor: Option<&str>, name: &str, action: &str| NewAuditEntry {
        at: at.into(),
        actor_id: actor.map(str::to_owned),
        actor_name: name.into(),
        action: action.into(),
        target: "u-x".into(),
        ip: Some("10.0.0.7".into()),
        details: r#"{"role":"admin"}"#.into(),
    };
    for new in [
        entry(
            "2026-12-01T08:00:00.000Z",
            Some("u-anna"),
            "anna",
            "auth.login",
        ),
        entry(
            "2026-12-01T09:00:00.000Z",
            None,
            "marta",
            "auth.login_failed",
        ),
        entry(
            "2026-12-02T10:00:00.000Z",
            Some("u-anna"),
            "anna",
            "user.updated",
        ),
    ] {
        store.append_audit(new).await.expect("append");
    }
    let read = |filter: AuditFilter| {
        let store = store.clone();
        async move {
            store
                .audit_entries(&AuditFilter {
                    limit: 50,
                    ..filter
                })
                .await
                .expect("read")
                .into_iter()
                .map(|e| e.action)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        read(AuditFilter::default()).await,
        vec!["user.updated", "auth.login_failed", "auth.login"]
    );
    let by = |actor: &str| AuditFilter {
        actor: Some(actor.into()),
        ..AuditFilter::default()
    };
    assert_eq!(read(by("u-anna")).await, vec!["user.updated", "auth.login"]);
    assert_eq!(read(by("marta")).await, vec!["auth.login_failed"]);
    let action = AuditFilter {
        action: Some("auth.login".into()),
        ..AuditFilter::default()
    };
    assert_eq!(read(action).await, vec!["auth.login"]);
    let first_day = AuditFilter {
        from: Some("2026-12-01T08:30:00.000Z".into()),
        to: Some("2026-12-02T00:00:00.000Z".into()),
        ..AuditFilter::default()
    };
    assert_eq!(read(first_day).await, vec!["auth.login_failed"]);
    let all = store
        .audit_entries(&AuditFilter {
            limit: 50,
            ..AuditFilter::default()
        })
        .await
        .expect("read");
    assert_eq!(all[0].details, serde_json::json!({"role": "admin"}));
    assert_eq!(all[1].actor_id, None);
    assert_eq!(all[0].ip.as_deref(), Some("10.0.0.7"));
    let page = store
        .audit_entries(&AuditFilter {
            before_id: Some(all[0].id),
            limit: 1,
            ..AuditFilter::default()
        })
        .await
        .expect("page");
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].id, all[1].id);
}

pub async fn membership_changes_bump_the_membership_version(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let v0 = store.membership_version().await.expect("version");
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let v1 = store.membership_version().await.expect("version");
    assert!(v1 > v0, "creating a channel changes memberships");
    store
        .apply_batch(&[post(&channel, &anna.id, "just a message", None)])
        .await
        .expect("batch");
    assert_eq!(store.membership_version().await.expect("version"), v1);
    store
        .apply_batch(&[WriteOp::AddMember {
            channel_id: channel.clone(),
            user_id: bernat.id.clone(),
            at: ids::now(),
        }])
        .await
        .expect("batch");
    let v2 = store.membership_version().await.expect("version");
    assert!(v2 > v1);

    // Each channel keeps the version of its last change: a process that saw `v1` reads
    // only the channel that changed since, with its members.
    let changed = store
        .channel_members_changed_since(v1)
        .await
        .expect("changed");
    let ids: Vec<&str> = changed.iter().map(|c| c.channel_id.as_str()).collect();
    assert_eq!(ids, vec![channel.as_str()]);
    let mut members = changed[0].member_ids.clone();
    members.sort();
    let mut expected = vec![anna.id.clone(), bernat.id.clone()];
    expected.sort();
    assert_eq!(members, expected);
    assert!(
        store
            .channel_members_changed_since(v2)
            .await
            .expect("changed")
            .is_empty(),
        "nothing changed since"
    );
    let other = channel_with(&store, ChannelKind::Private, &[&bernat]).await;
    let v3 = store.membership_version().await.expect("version");
    let changed = store
        .channel_members_changed_since(v2)
        .await
        .expect("changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].channel_id, other);
    assert_eq!(changed[0].member_ids, vec![bernat.id.clone()]);
    // The last member leaving: the channel is read with no members.
    store
        .apply_batch(&[WriteOp::RemoveMember {
            channel_id: other.clone(),
            user_id: bernat.id.clone(),
            at: ids::now(),
        }])
        .await
        .expect("batch");
    let changed = store
        .channel_members_changed_since(v3)
        .await
        .expect("changed");
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].channel_id, other);
    assert!(changed[0].member_ids.is_empty());
}

pub async fn bot_tokens_are_found_by_hash_listed_and_revoked(store: Arc<dyn Store>) {
    let bot = NewUser {
        kind: UserKind::Bot,
        password_hash: None,
        email: String::new(),
        ..new_user("monitor")
    };
    let token = |id: &str, hash: &str| NewTokenSession {
        id: id.into(),
        user_id: bot.id.clone(),
        token_hash: hash.into(),
        label: format!("label {id}"),
        created_at: ids::now(),
    };
    let created = store
        .create_bot(bot.clone(), token("t1", "hash-1"))
        .await
        .expect("bot");
    assert_eq!(created.kind, UserKind::Bot);
    assert!(matches!(
        store
            .create_bot(
                NewUser {
                    id: ids::new_id(),
                    ..bot.clone()
                },
                token("t9", "hash-9")
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    store
        .create_token_session(token("t2", "hash-2"))
        .await
        .expect("token");
    let found = store
        .token_session("hash-2")
        .await
        .expect("q")
        .expect("found");
    assert_eq!(
        (found.id.as_str(), found.user_id.as_str(), found.revoked),
        ("t2", bot.id.as_str(), false)
    );
    assert_eq!(store.token_session("hash-9").await.expect("q"), None);
    assert!(
        store
            .revoke_session("t1", &ids::now())
            .await
            .expect("revoke")
    );
    assert!(
        store
            .token_session("hash-1")
            .await
            .expect("q")
            .expect("found")
            .revoked
    );
    let listed = store.token_sessions(&bot.id).await.expect("list");
    assert_eq!(
        listed.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["t1", "t2"]
    );
    assert!(listed[0].revoked_at.is_some() && listed[1].revoked_at.is_none());
    assert!(
        store
            .sessions_revoked_since("2000-01-01T00:00:00.000Z")
            .await
            .expect("q")
            .contains(&"t1".to_string())
    );
    // A bot has no password to log in with.
    let credentials = store
        .credentials_by_username("monitor")
        .await
        .expect("q")
        .expect("bot");
    assert_eq!(credentials.password_hash, None);
}

pub async fn webhooks_are_found_by_secret_until_regenerated_or_deleted(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let hook = Webhook {
        id: ids::new_id(),
        channel_id: channel.clone(),
        name: "Grafana".into(),
        created_by: anna.id.clone(),
        created_at: ids::now(),
        disabled: false,
    };
    store
        .create_webhook(WebhookRecord {
            webhook: hook.clone(),
            secret_hash: "s1".into(),
        })
        .await
        .expect("hook");
    assert_eq!(
        store.webhook_by_secret("s1").await.expect("q"),
        Some(hook.clone())
    );
    assert_eq!(
        store.channel_webhooks(&channel).await.expect("q"),
        vec![hook.clone()]
    );
    assert!(
        store
            .update_webhook(&hook.id, Some("Grafana 11"), Some("s2"))
            .await
            .expect("update")
    );
    assert_eq!(store.webhook_by_secret("s1").await.expect("q"), None);
    let renamed = store
        .webhook_by_secret("s2")
        .await
        .expect("q")
        .expect("found");
    assert_eq!(renamed.name, "Grafana 11");
    let pere = user(&store, "pere").await;
    assert!(
        store
            .set_webhook_owner(&hook.id, &pere.id)
            .await
            .expect("take over")
    );
    let taken = store.webhook(&hook.id).await.expect("q").expect("found");
    assert_eq!(
        (taken.created_by, taken.name),
        (pere.id.clone(), renamed.name)
    );
    assert!(
        store
            .delete_webhook(&hook.id, &ids::now())
            .await
            .expect("delete")
    );
    assert!(
        !store
            .delete_webhook(&hook.id, &ids::now())
            .await
            .expect("delete")
    );
    assert_eq!(store.webhook(&hook.id).await.expect("q"), None);
    assert_eq!(store.webhook_by_secret("s2").await.expect("q"), None);
    assert!(
        store
            .channel_webhooks(&channel)
            .await
            .expect("q")
            .is_empty()
    );
    assert!(
        !store
            .set_webhook_owner(&hook.id, &anna.id)
            .await
            .expect("q"),
        "a deleted hook has no owner to change"
    );
    assert!(
        !store
            .update_webhook(&hook.id, Some("x"), None)
            .await
            .expect("update")
    );
}

pub async fn message_extras_round_trip(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let extras = MessageExtras {
        username: Some("Jenkins".into()),
        icon_emoji: Some(":rocket:".into()),
        webhook_id: Some("h1".into()),
        attachments: vec![xerrada_protocol::Attachment {
            color: Some("good".into()),
            title: Some("Build #7".into()),
            fields: vec![xerrada_protocol::AttachmentField {
                title: "Branch".into(),
                value: "main".into(),
                short: true,
            }],
            ..Default::default()
        }],
        blocks: vec![xerrada_protocol::Block::Divider],
        ..MessageExtras::default()
    };
    let mut op = post(&channel, &anna.id, "Build ok", None);
    if let WriteOp::PostMessage { extras: slot, .. } = &mut op {
        *slot = Some(Box::new(extras.clone()));
    }
    store
        .apply_batch(&[op, post(&channel, &anna.id, "plain", None)])
        .await
        .expect("batch");
    let slice = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history");
    assert_eq!(slice.messages[0].extras, Some(extras));
    assert_eq!(slice.messages[1].extras, None);
}

pub async fn edits_are_events_and_change_the_message_in_place(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let outcomes = store
        .apply_batch(&[post(&channel, &anna.id, "first", None)])
        .await
        .expect("batch");
    let WriteOutcome::Committed(ChannelEvent {
        kind: EventKind::Message(original),
        ..
    }) = &outcomes[0]
    else {
        panic!("expected a message");
    };
    let edit = |editor: &str, body: &str| WriteOp::EditMessage {
        channel_id: channel.clone(),
        message_id: original.id.clone(),
        editor_id: editor.into(),
        body: Some(body.into()),
        extras: None,
        mentions: None,
        at: ids::now(),
    };
    let outcomes = store
        .apply_batch(&[
            edit(&bernat.id, "hijacked"),
            edit(&anna.id, "second"),
            post(&channel, &anna.id, "third", None),
        ])
        .await
        .expect("batch");
    assert_eq!(outcomes[0], WriteOutcome::NotAuthor);
    let WriteOutcome::Committed(ChannelEvent {
        seq: 2,
        kind: EventKind::MessageUpdated(updated),
        ..
    }) = &outcomes[1]
    else {
        panic!("expected an update at seq 2, got {:?}", outcomes[1]);
    };
    assert_eq!((updated.seq, updated.body.as_str()), (1, "second"));
    assert!(updated.edited_at.is_some());
    assert_eq!(committed_seq(&outcomes[2]), 3);
    let history = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history");
    let bodies: Vec<&str> = history.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(
        bodies,
        ["second", "third"],
        "edits change history in place and are not messages"
    );
    let events = store.events_after(&channel, 0, 10).await.expect("events");
    assert!(
        matches!(&events[1].kind, EventKind::MessageUpdated(m) if m.body == "second" && m.seq == 1)
    );
    assert_eq!(
        store
            .message(&channel, &original.id)
            .await
            .expect("q")
            .map(|m| m.body),
        Some("second".into())
    );
    let view = store
        .channel_view(&channel, &bernat.id)
        .await
        .expect("q")
        .expect("view");
    assert_eq!(view.unread, 2, "an edit is not an unread message");
}

pub async fn slash_commands_and_response_grants(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let command = SlashCommand {
        id: ids::new_id(),
        name: "deploy".into(),
        url: "http://127.0.0.1:9/x".into(),
        token: "t".into(),
        description: "d".into(),
        created_by: anna.id.clone(),
        created_at: ids::now(),
    };
    store
        .create_command(command.clone())
        .await
        .expect("command");
    assert!(matches!(
        store
            .create_command(SlashCommand {
                id: ids::new_id(),
                ..command.clone()
            })
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        store.command_by_name("deploy").await.expect("q"),
        Some(command.clone())
    );
    assert_eq!(store.commands().await.expect("q"), vec![command.clone()]);
    let grant = ResponseGrant {
        token_hash: "g".into(),
        command_id: command.id.clone(),
        channel_id: channel.clone(),
        user_id: anna.id.clone(),
        expires_at: "2999-01-01T00:00:00.000Z".into(),
        uses: 2,
    };
    store
        .create_response_grant(grant.clone())
        .await
        .expect("grant");
    let now = ids::now();
    assert!(
        store
            .use_response_grant("g", &now)
            .await
            .expect("use")
            .is_some()
    );
    assert!(
        store
            .use_response_grant("g", &now)
            .await
            .expect("use")
            .is_some()
    );
    assert_eq!(
        store.use_response_grant("g", &now).await.expect("use"),
        None,
        "uses run out"
    );
    let expired = ResponseGrant {
        token_hash: "old".into(),
        expires_at: "2000-01-01T00:00:00.000Z".into(),
        ..grant
    };
    store.create_response_grant(expired).await.expect("grant");
    assert_eq!(
        store.use_response_grant("old", &now).await.expect("use"),
        None,
        "grants expire"
    );
    assert!(store.delete_command(&command.id).await.expect("delete"));
    assert_eq!(store.command_by_name("deploy").await.expect("q"), None);
}

pub async fn tickets_keep_their_history(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let tech = user(&store, "tech").await;
    let ticket = store
        .create_ticket(NewTicket {
            requester_id: anna.id.clone(),
            title: "Impressora".into(),
            description: "No imprimeix".into(),
            category: "maquinari".into(),
            priority: TicketPriority::Normal,
            created_at: ids::now(),
            file_ids: Vec::new(),
        })
        .await
        .expect("ticket");
    let second = store
        .create_ticket(NewTicket {
            requester_id: tech.id.clone(),
            title: "VPN".into(),
            description: "No connecta".into(),
            category: "xarxa/VPN".into(),
            priority: TicketPriority::Alta,
            created_at: ids::now(),
            file_ids: Vec::new(),
        })
        .await
        .expect("ticket");
    assert_eq!((ticket.number, second.number), (1, 2));
    assert_eq!(ticket.status, TicketStatus::Open);
    let change = TicketChange {
        status: Some(TicketStatus::InProgress),
        assignee_id: Some(Some(tech.id.clone())),
        ..TicketChange::default()
    };
    let history = [
        ("status".to_string(), "in_progress".to_string()),
        ("assigned".into(), tech.id.clone()),
    ];
    let updated = store
        .update_ticket(1, change, &history, &tech.id, &ids::now())
        .await
        .expect("update")
        .expect("exists");
    assert_eq!(
        (updated.status, updated.assignee_id.as_deref()),
        (TicketStatus::InProgress, Some(tech.id.as_str()))
    );
    let unassign = TicketChange {
        assignee_id: Some(None),
        ..TicketChange::default()
    };
    let cleared = store
        .update_ticket(1, unassign, &[], &tech.id, &ids::now())
        .await
        .expect("u")
        .expect("t");
    assert_eq!(cleared.assignee_id, None);
    assert_eq!(
        store
            .update_ticket(99, TicketChange::default(), &[], &tech.id, &ids::now())
            .await
            .expect("u"),
        None
    );
    let kinds: Vec<String> = store
        .ticket_history(1)
        .await
        .expect("history")
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(kinds, ["opened", "status", "assigned"]);
    let mine = TicketFilter {
        requester_id: Some(anna.id.clone()),
        ..TicketFilter::default()
    };
    assert_eq!(store.tickets(mine).await.expect("list").len(), 1);
    let high = TicketFilter {
        status: Some(TicketStatus::Open),
        category: Some("xarxa/VPN".into()),
        ..TicketFilter::default()
    };
    assert_eq!(store.tickets(high).await.expect("list")[0].number, 2);
    store.set_ticket_card(1, "c", "m").await.expect("card");
    assert_eq!(
        store.ticket_card(1).await.expect("q"),
        Some(("c".into(), "m".into()))
    );
    assert_eq!(store.ticket_card(2).await.expect("q"), None);
}

pub async fn info_articles_are_kept_per_language(store: Arc<dyn Store>) {
    let admin = user(&store, "admin").await;
    let article = |lang: &str, title: &str| InfoArticle {
        topic: "vpn".into(),
        lang: lang.into(),
        title: title.into(),
        body: "b".into(),
        updated_at: ids::now(),
    };
    store
        .set_article(article("ca", "VPN"), &admin.id)
        .await
        .expect("set");
    store
        .set_article(article("es", "VPN es"), &admin.id)
        .await
        .expect("set");
    store
        .set_article(article("ca", "VPN (nou)"), &admin.id)
        .await
        .expect("replace");
    let all = store.articles().await.expect("list");
    assert_eq!(
        all.iter()
            .map(|a| (a.lang.as_str(), a.title.as_str()))
            .collect::<Vec<_>>(),
        [("ca", "VPN (nou)"), ("es", "VPN es")]
    );
    assert_eq!(
        store
            .remove_article("vpn", Some("es"))
            .await
            .expect("remove"),
        1
    );
    assert_eq!(store.remove_article("vpn", None).await.expect("remove"), 1);
    assert_eq!(store.remove_article("vpn", None).await.expect("remove"), 0);
}

/// Writers on several connections (several nodes, with PostgreSQL) append to one channel at
/// once: every `seq` is used exactly once, with no gap.
pub async fn concurrent_batches_on_one_channel_stay_gap_free(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let busy = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let quiet = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let mut writers = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        let (busy, quiet, author) = (busy.clone(), quiet.clone(), anna.id.clone());
        writers.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for b in 0..25 {
                // Each batch touches both channels, in an order that differs between writers,
                // which would deadlock a backend that locks channels in batch order.
                let (first, second) = if w % 2 == 0 {
                    (&busy, &quiet)
                } else {
                    (&quiet, &busy)
                };
                let ops = vec![
                    post(first, &author, &format!("{w}-{b}-1"), None),
                    post(second, &author, &format!("{w}-{b}-2"), None),
                    post(&busy, &author, &format!("{w}-{b}-3"), None),
                ];
                let outcomes = store.apply_batch(&ops).await.expect("batch commits");
                for (op, outcome) in ops.iter().zip(&outcomes) {
                    if let WriteOp::PostMessage { channel_id, .. } = op
                        && *channel_id == busy
                    {
                        seqs.push(committed_seq(outcome));
                    }
                }
            }
            seqs
        }));
    }
    let mut all = Vec::new();
    for writer in writers {
        all.extend(writer.await.expect("writer"));
    }
    all.sort_unstable();
    assert_eq!(
        all,
        (1..=200).collect::<Vec<i64>>(),
        "every seq once, no gap"
    );
    let record = store
        .channel_by_id(&busy)
        .await
        .expect("q")
        .expect("channel");
    assert_eq!(record.last_seq, 200);
    let events = store.events_after(&busy, 0, 500).await.expect("events");
    assert_eq!(events.len(), 200);
}

/// The same `(author, client_msg_id)` sent at the same moment to two channels through
/// several writers (the nodes of a cluster, or a client retrying through another node) is
/// stored once: one batch commits it, the other batch on that channel answers with the
/// original, the batches on the other channel refuse the key, and every batch still commits
/// its other posts, with no gap in any channel. Batches on different channels share no
/// channel lock, so only the key itself can keep them apart. Each batch also carries posts of
/// two authors, in an order that differs between writers.
pub async fn one_key_posted_by_concurrent_batches_is_stored_once(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let first = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let second = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    for round in 0..10 {
        let mut writers = Vec::new();
        for w in 0..4 {
            let store = store.clone();
            let (first, second) = (first.clone(), second.clone());
            let (anna, bernat) = (anna.id.clone(), bernat.id.clone());
            writers.push(tokio::spawn(async move {
                let (one, other) = if w % 2 == 0 {
                    (&anna, &bernat)
                } else {
                    (&bernat, &anna)
                };
                let target = if w < 2 { &first } else { &second };
                let ops = vec![
                    post(target, one, "own", Some(&format!("own-{round}-{w}-a"))),
                    post(target, &anna, "shared", Some(&format!("shared-{round}"))),
                    post(target, other, "own", Some(&format!("own-{round}-{w}-b"))),
                ];
                store.apply_batch(&ops).await.expect("batch commits")
            }));
        }
        let mut committed = 0;
        let mut originals = Vec::new();
        let mut refused = 0;
        for writer in writers {
            let outcomes = writer.await.expect("writer");
            assert!(matches!(outcomes[0], WriteOutcome::Committed(_)));
            assert!(matches!(outcomes[2], WriteOutcome::Committed(_)));
            match &outcomes[1] {
                WriteOutcome::Committed(event) => {
                    committed += 1;
                    originals.push((event.channel_id.clone(), event.seq));
                }
                WriteOutcome::Duplicate(original) => {
                    originals.push((original.channel_id.clone(), original.seq))
                }
                WriteOutcome::ClientMsgIdReused => refused += 1,
                other => panic!("round {round}: {other:?}"),
            }
        }
        assert_eq!(committed, 1, "round {round}: the shared key is stored once");
        assert_eq!(refused, 2, "round {round}: refused on the other channel");
        originals.dedup();
        assert_eq!(
            originals.len(),
            1,
            "round {round}: one original, {originals:?}"
        );
    }
    for channel in [&first, &second] {
        let events = store.events_after(channel, 0, 1000).await.expect("events");
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=seqs.len() as i64).collect::<Vec<_>>(), "no gap");
    }
    let first_count = store
        .events_after(&first, 0, 1000)
        .await
        .expect("events")
        .len();
    let second_count = store
        .events_after(&second, 0, 1000)
        .await
        .expect("events")
        .len();
    // Per round: four own posts on each channel, and the shared post on one of them.
    assert_eq!(first_count + second_count, 10 * (4 + 4 + 1));
}

pub async fn channel_heads_follow_each_channel_last_seq(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let a = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let b = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    store
        .apply_batch(&[post(&a, &anna.id, "1", None), post(&a, &anna.id, "2", None)])
        .await
        .expect("batch");
    let heads: std::collections::HashMap<String, i64> = store
        .channel_heads()
        .await
        .expect("heads")
        .into_iter()
        .collect();
    assert_eq!(heads.get(&a), Some(&2));
    assert_eq!(heads.get(&b), Some(&0));
}

pub async fn shared_secrets_keep_the_first_value(store: Arc<dyn Store>) {
    let first = store
        .shared_secret("signing", &[1u8; 40])
        .await
        .expect("secret");
    assert_eq!(first, vec![1u8; 40]);
    let again = store
        .shared_secret("signing", &[2u8; 40])
        .await
        .expect("secret");
    assert_eq!(again, vec![1u8; 40], "the first writer wins");
    let other = store
        .shared_secret("other", &[3u8; 8])
        .await
        .expect("secret");
    assert_eq!(other, vec![3u8; 8]);
}

/// A batch sees its own earlier writes: a reply to a post of the same batch, an edit of it,
/// and a repeated client_msg_id (of a plain post and of a reply) all behave as across batches.
pub async fn one_batch_can_reply_to_edit_and_repeat_its_own_posts(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let first = post(&channel, &anna.id, "first", Some("k1"));
    let WriteOp::PostMessage { message_id, .. } = &first else {
        unreachable!()
    };
    let first_id = message_id.clone();
    let mut reply = post(&channel, &anna.id, "reply", Some("k2"));
    if let WriteOp::PostMessage { thread_root, .. } = &mut reply {
        *thread_root = Some(1);
    }
    let edit = WriteOp::EditMessage {
        channel_id: channel.clone(),
        message_id: first_id.clone(),
        editor_id: anna.id.clone(),
        body: Some("first, edited".into()),
        extras: None,
        mentions: None,
        at: ids::now(),
    };
    let outcomes = store
        .apply_batch(&[
            first,
            reply,
            edit,
            post(&channel, &anna.id, "first again", Some("k1")),
            post(&channel, &anna.id, "reply again", Some("k2")),
            post(&channel, &anna.id, "last", Some("k3")),
        ])
        .await
        .expect("batch");
    assert_eq!(committed_seq(&outcomes[0]), 1);
    assert_eq!(
        committed_seq(&outcomes[1]),
        2,
        "a reply to a post of the same batch"
    );
    assert_eq!(
        committed_seq(&outcomes[2]),
        3,
        "an edit of a post of the same batch"
    );
    assert!(matches!(&outcomes[3], WriteOutcome::Duplicate(e) if e.seq == 1));
    assert!(matches!(&outcomes[4], WriteOutcome::Duplicate(e) if e.seq == 2));
    assert_eq!(committed_seq(&outcomes[5]), 4);
    let slice = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history");
    let bodies: Vec<&str> = slice.messages.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies, ["first, edited", "reply", "last"]);
    assert_eq!(slice.messages[1].thread_root, Some(1));
    let record = store
        .channel_by_id(&channel)
        .await
        .expect("q")
        .expect("channel");
    assert_eq!(record.last_seq, 4);
}

pub async fn reactions_and_deletes_are_events_and_keep_earlier_versions(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let post = WriteOp::post(&channel, &anna.id, "primera".into(), None);
    let WriteOp::PostMessage { message_id, .. } = &post else {
        unreachable!("a post")
    };
    let message_id = message_id.clone();
    let react = |who: &User, emoji: &str, add: bool| WriteOp::React {
        channel_id: channel.clone(),
        message_id: message_id.clone(),
        user_id: who.id.clone(),
        emoji: emoji.into(),
        add,
        at: ids::now(),
    };
    let edit = WriteOp::EditMessage {
        channel_id: channel.clone(),
        message_id: message_id.clone(),
        editor_id: anna.id.clone(),
        body: Some("segona".into()),
        extras: None,
        mentions: None,
        at: ids::now(),
    };
    // Posted, reacted to twice by one person (idempotent) and once by another, edited, and a
    // reaction taken back, in one batch.
    let outcomes = store
        .apply_batch(&[
            post,
            react(&anna, "👍", true),
            react(&anna, "👍", true),
            react(&bernat, "👍", true),
            react(&bernat, "🎉", true),
            edit,
            react(&bernat, "🎉", false),
            react(&bernat, "🎉", false),
        ])
        .await
        .expect("batch");
    let seqs: Vec<Option<i64>> = outcomes
        .iter()
        .map(|o| match o {
            WriteOutcome::Committed(e) => Some(e.seq),
            _ => None,
        })
        .collect();
    assert_eq!(
        seqs,
        [
            Some(1),
            Some(2),
            None,
            Some(3),
            Some(4),
            Some(5),
            Some(6),
            None
        ],
        "an idle change takes no seq"
    );
    let WriteOutcome::Committed(ChannelEvent {
        kind: EventKind::MessageUpdated(edited),
        ..
    }) = &outcomes[5]
    else {
        panic!("an edit: {:?}", outcomes[5]);
    };
    assert_eq!(edited.reactions.len(), 2, "an edit carries the reactions");
    let message = store
        .message(&channel, &message_id)
        .await
        .expect("q")
        .expect("message");
    assert_eq!(message.body, "segona");
    assert_eq!(
        message.reactions,
        [Reaction {
            emoji: "👍".into(),
            count: 2,
            user_ids: vec![anna.id.clone(), bernat.id.clone()],
        }]
    );
    let events = store.events_after(&channel, 1, 10).await.expect("events");
    assert!(matches!(
        &events[0].kind,
        EventKind::ReactionAdded { emoji, user_id, .. } if emoji == "👍" && *user_id == anna.id
    ));
    assert!(matches!(
        &events[4].kind,
        EventKind::ReactionRemoved { emoji, .. } if emoji == "🎉"
    ));

    // Deleted: a tombstone without reactions, once; earlier versions kept.
    let delete = || WriteOp::DeleteMessage {
        channel_id: channel.clone(),
        message_id: message_id.clone(),
        actor_id: bernat.id.clone(),
        at: ids::now(),
    };
    let outcomes = store
        .apply_batch(&[delete(), delete(), react(&anna, "❤️", true)])
        .await
        .expect("batch");
    assert!(matches!(
        &outcomes[0],
        WriteOutcome::Committed(ChannelEvent { seq: 7, kind: EventKind::MessageDeleted { user_id, .. }, .. })
            if *user_id == bernat.id
    ));
    assert_eq!(outcomes[1], WriteOutcome::Unchanged);
    assert_eq!(outcomes[2], WriteOutcome::Deleted);
    let tombstone = store
        .message(&channel, &message_id)
        .await
        .expect("q")
        .expect("still there");
    assert!(tombstone.deleted && tombstone.body.is_empty() && tombstone.reactions.is_empty());
    let history = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history");
    assert_eq!(history.messages, [tombstone]);
    let versions: Vec<(String, String)> = store
        .message_versions(&message_id)
        .await
        .expect("versions")
        .into_iter()
        .map(|v| (v.body, v.replaced_by))
        .collect();
    assert_eq!(
        versions,
        [
            ("primera".to_owned(), anna.id.clone()),
            ("segona".to_owned(), bernat.id.clone())
        ]
    );
    let missing = WriteOp::React {
        channel_id: channel.clone(),
        message_id: "nope".into(),
        user_id: anna.id.clone(),
        emoji: "👍".into(),
        add: true,
        at: ids::now(),
    };
    assert_eq!(
        store.apply_batch(&[missing]).await.expect("batch"),
        [WriteOutcome::NotFound]
    );
}

pub async fn threads_summarise_their_replies_and_count_unread_from_seqs(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let post = |who: &User, body: &str, root: Option<i64>| {
        WriteOp::post(&channel, &who.id, body.into(), None).keyed(None, root)
    };
    let outcomes = store
        .apply_batch(&[
            post(&anna, "root", None),
            post(&bernat, "r1", Some(1)),
            post(&bernat, "r2", Some(1)),
            post(&anna, "nested", Some(2)),
            post(&anna, "nowhere", Some(99)),
        ])
        .await
        .expect("batch");
    assert_eq!(outcomes[3], WriteOutcome::ReplyToReply);
    assert_eq!(outcomes[4], WriteOutcome::InvalidThreadRoot);
    let (root, replies) = store
        .thread(&channel, 1, 0, 10)
        .await
        .expect("thread")
        .expect("a root");
    assert_eq!(
        (root.reply_count, root.participant_ids.clone()),
        (2, vec![bernat.id.clone()])
    );
    assert_eq!(
        replies
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["r1", "r2"]
    );
    assert!(store.thread(&channel, 2, 0, 10).await.expect("q").is_none());
    let history = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history");
    assert_eq!(history.messages[0].reply_count, 2);
    let unread = |who: &User| {
        let (store, id) = (store.clone(), who.id.clone());
        async move {
            store
                .followed_threads(&id, None, 10)
                .await
                .expect("followed")
                .into_iter()
                .map(|t| (t.root.seq, t.unread_replies))
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(unread(&anna).await, [(1, 2)]);
    assert_eq!(unread(&bernat).await, [(1, 0)]);
    assert_eq!(
        store
            .mark_thread_read(&anna.id, &channel, 1, 2)
            .await
            .expect("read"),
        2
    );
    assert_eq!(
        store
            .mark_thread_read(&anna.id, &channel, 1, 1)
            .await
            .expect("read"),
        2,
        "never backwards"
    );
    assert_eq!(
        store
            .mark_thread_read(&anna.id, &channel, 1, 999)
            .await
            .expect("read"),
        3,
        "never past last_seq"
    );
    assert_eq!(unread(&anna).await, [(1, 0)]);
    store
        .set_following(&bernat.id, &channel, 1, false)
        .await
        .expect("unfollow");
    assert_eq!(unread(&bernat).await, []);
}

pub async fn mentions_are_kept_with_their_message_and_counted_until_read(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let post = WriteOp::post(&channel, &anna.id, "@bernat".into(), None)
        .mentioning(vec![bernat.id.clone()]);
    let WriteOp::PostMessage { message_id, .. } = &post else {
        unreachable!("a post")
    };
    let message_id = message_id.clone();
    store.apply_batch(&[post]).await.expect("batch");
    let message = store
        .message(&channel, &message_id)
        .await
        .expect("q")
        .expect("message");
    assert_eq!(message.mentions, vec![bernat.id.clone()]);
    let count = |who: &User| {
        let (store, id, channel) = (store.clone(), who.id.clone(), channel.clone());
        async move {
            store
                .channels_for_user(&id)
                .await
                .expect("channels")
                .into_iter()
                .find(|v| v.channel.id == channel)
                .map(|v| v.mention_count)
        }
    };
    assert_eq!(count(&bernat).await, Some(1));
    assert_eq!(count(&anna).await, Some(0));
    store
        .mark_read(&channel, &bernat.id, 1)
        .await
        .expect("read");
    assert_eq!(count(&bernat).await, Some(0));
}

pub async fn pins_are_events_and_saved_messages_are_personal(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let post = post(&channel, &anna.id, "horari", None);
    let WriteOp::PostMessage { message_id, .. } = &post else {
        unreachable!("a post")
    };
    let message_id = message_id.clone();
    let pin = |pin: bool| WriteOp::Pin {
        channel_id: channel.clone(),
        message_id: message_id.clone(),
        user_id: bernat.id.clone(),
        pin,
        at: ids::now(),
    };
    let outcomes = store
        .apply_batch(&[post, pin(true), pin(true)])
        .await
        .expect("batch");
    assert!(matches!(
        &outcomes[1],
        WriteOutcome::Committed(ChannelEvent {
            seq: 2,
            kind: EventKind::MessagePinned { .. },
            ..
        })
    ));
    assert_eq!(outcomes[2], WriteOutcome::Unchanged);
    let pins = store.pinned(&channel).await.expect("pins");
    assert_eq!(pins.len(), 1);
    assert!(pins[0].message.pinned && pins[0].pinned_by == bernat.id);
    let events = store.events_after(&channel, 1, 10).await.expect("events");
    assert!(
        matches!(&events[0].kind, EventKind::MessagePinned { user_id, .. } if *user_id == bernat.id)
    );
    store.apply_batch(&[pin(false)]).await.expect("unpin");
    assert!(store.pinned(&channel).await.expect("pins").is_empty());

    assert!(
        store
            .save_message(&bernat.id, &channel, &message_id, &ids::now())
            .await
            .expect("save")
    );
    assert!(
        !store
            .save_message(&bernat.id, &channel, &message_id, &ids::now())
            .await
            .expect("save")
    );
    let saved = store.saved_messages(&bernat.id, 10).await.expect("saved");
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].message.id, message_id);
    assert!(
        store
            .saved_messages(&anna.id, 10)
            .await
            .expect("saved")
            .is_empty()
    );
    assert_eq!(
        store
            .message_by_id(&message_id)
            .await
            .expect("q")
            .map(|m| m.channel_id),
        Some(channel.clone())
    );
    assert!(
        store
            .unsave_message(&bernat.id, &message_id)
            .await
            .expect("unsave")
    );
    assert!(
        store
            .saved_messages(&bernat.id, 10)
            .await
            .expect("saved")
            .is_empty()
    );
}

pub async fn channel_changes_are_events_and_mutes_are_personal(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let update = |change: ChannelChange| WriteOp::UpdateChannel {
        channel_id: channel.clone(),
        user_id: anna.id.clone(),
        change,
        at: ids::now(),
    };
    let outcomes = store
        .apply_batch(&[
            update(ChannelChange {
                topic: Some("obres".into()),
                ..ChannelChange::default()
            }),
            update(ChannelChange {
                topic: Some("obres".into()),
                ..ChannelChange::default()
            }),
            update(ChannelChange {
                archived: Some(true),
                ..ChannelChange::default()
            }),
        ])
        .await
        .expect("batch");
    assert!(matches!(
        &outcomes[0],
        WriteOutcome::Committed(ChannelEvent { seq: 1, .. })
    ));
    assert_eq!(outcomes[1], WriteOutcome::Unchanged);
    assert!(matches!(
        &outcomes[2],
        WriteOutcome::Committed(ChannelEvent {
            seq: 2,
            kind: EventKind::ChannelUpdated { archived: true, .. },
            ..
        })
    ));
    let record = store
        .channel_by_id(&channel)
        .await
        .expect("q")
        .expect("channel");
    assert_eq!((record.topic.as_str(), record.archived), ("obres", true));
    let members = store
        .channel_members(&channel)
        .await
        .expect("q")
        .expect("channel");
    assert!(members.archived);
    let events = store.events_after(&channel, 0, 10).await.expect("events");
    assert!(matches!(
        &events[0].kind,
        EventKind::ChannelUpdated { topic, archived: true, .. } if topic == "obres"
    ));
    assert!(
        store
            .set_muted(&channel, &bernat.id, true)
            .await
            .expect("mute")
    );
    let view = |who: &User| {
        let (store, id, channel) = (store.clone(), who.id.clone(), channel.clone());
        async move {
            store
                .channel_view(&channel, &id)
                .await
                .expect("view")
                .expect("channel")
                .muted
        }
    };
    assert!(view(&bernat).await);
    assert!(!view(&anna).await);
    assert!(
        !store
            .set_muted(&channel, "nobody", true)
            .await
            .expect("mute")
    );
}

fn file(id: &str, uploader_id: &str, created_at: &str) -> FileRecord {
    FileRecord {
        info: FileInfo {
            id: id.into(),
            name: format!("{id}.pdf"),
            size: 1_234,
            content_type: "application/pdf".into(),
            sha256: "ab".repeat(32),
            width: None,
            height: Some(480),
        },
        uploader_id: uploader_id.into(),
        created_at: created_at.into(),
        channel_id: None,
        message_id: None,
        posted: false,
    }
}

pub async fn files_are_posted_once_and_detached_with_their_message(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let old = "2020-01-01T00:00:00.000Z";
    for (id, owner) in [("f1", &anna.id), ("f2", &anna.id), ("f3", &bernat.id)] {
        store
            .insert_file(&file(id, owner, old))
            .await
            .expect("insert");
    }
    let found = store.file("f1").await.expect("read").expect("f1");
    assert_eq!(found, file("f1", &anna.id, old));
    let with = |body: &str, ids: &[&str], author: &str| {
        let files = ids.iter().map(|id| file(id, author, old).info).collect();
        post(&channel, author, body, None).with_files(files)
    };
    // In one batch: f1 posted; f1 again, and bernat's f3 by anna, refused without a seq.
    let outcomes = store
        .apply_batch(&[
            with("primer", &["f1"], &anna.id),
            with("segon", &["f2", "f1"], &anna.id),
            with("tercer", &["f3"], &anna.id),
        ])
        .await
        .expect("batch");
    let posted = match &outcomes[0] {
        WriteOutcome::Committed(ChannelEvent {
            seq: 1,
            kind: EventKind::Message(message),
            ..
        }) => message.clone(),
        other => panic!("expected the post, got {other:?}"),
    };
    assert_eq!(posted.files, vec![file("f1", &anna.id, old).info]);
    assert_eq!(outcomes[1], WriteOutcome::FilesUnavailable);
    assert_eq!(outcomes[2], WriteOutcome::FilesUnavailable);
    let f1 = store.file("f1").await.expect("read").expect("f1");
    assert_eq!(
        (f1.channel_id.as_deref(), f1.posted),
        (Some(channel.as_str()), true)
    );
    assert!(
        !store.file("f2").await.expect("read").expect("f2").posted,
        "refused: untouched"
    );
    let history = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history")
        .messages;
    assert_eq!(history[0].files, posted.files, "read back as posted");

    // Never-posted files older than the cutoff go; a posted one stays until its message does.
    let taken = store
        .take_unreferenced("2021-01-01T00:00:00.000Z", 10)
        .await
        .expect("take");
    let mut taken = taken;
    taken.sort();
    assert_eq!(taken, ["f2", "f3"]);
    let delete = WriteOp::DeleteMessage {
        channel_id: channel.clone(),
        message_id: posted.id.clone(),
        actor_id: anna.id.clone(),
        at: "2022-01-01T00:00:00.000Z".into(),
    };
    store.apply_batch(&[delete]).await.expect("delete");
    let f1 = store.file("f1").await.expect("read").expect("f1");
    assert_eq!(
        (f1.channel_id, f1.message_id, f1.posted),
        (None, None, true)
    );
    let history = store
        .messages(&channel, HistoryQuery::Latest { limit: 10 })
        .await
        .expect("history")
        .messages;
    assert!(history[0].files.is_empty(), "a tombstone carries no files");
    assert!(
        store
            .take_unreferenced("2021-06-01T00:00:00.000Z", 10)
            .await
            .expect("take")
            .is_empty(),
        "grace counted from the delete"
    );
    assert_eq!(
        store
            .take_unreferenced("2022-06-01T00:00:00.000Z", 10)
            .await
            .expect("take"),
        ["f1"]
    );
    assert!(store.file("f1").await.expect("read").is_none());
}

pub async fn ticket_files_are_kept_with_the_ticket(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let tech = user(&store, "tech").await;
    let channel = channel_with(&store, ChannelKind::Direct, &[&anna, &tech]).await;
    let old = "2020-01-01T00:00:00.000Z";
    for (id, owner) in [("shot", &anna.id), ("posted", &anna.id), ("log", &tech.id)] {
        store
            .insert_file(&file(id, owner, old))
            .await
            .expect("insert");
    }
    // "posted" was sent in a DM before it went with the request.
    let with_file = post(&channel, &anna.id, "captura", None)
        .with_files(vec![file("posted", &anna.id, old).info]);
    let outcomes = store.apply_batch(&[with_file]).await.expect("post");
    let WriteOutcome::Committed(ChannelEvent {
        kind: EventKind::Message(message),
        ..
    }) = &outcomes[0]
    else {
        panic!("expected the post, got {:?}", outcomes[0]);
    };
    let opened_at = "2020-01-02T00:00:00.000Z";
    let ticket = store
        .create_ticket(NewTicket {
            requester_id: anna.id.clone(),
            title: "Pantalla".into(),
            description: "Surt en negre".into(),
            category: "maquinari".into(),
            priority: TicketPriority::Normal,
            created_at: opened_at.into(),
            file_ids: vec!["shot".into(), "posted".into()],
        })
        .await
        .expect("ticket");
    let note = TicketChange {
        attach: vec!["log".into()],
        attach_internal: true,
        ..TicketChange::default()
    };
    let history = [("note_files".to_string(), "log.pdf".to_string())];
    store
        .update_ticket(
            ticket.number,
            note,
            &history,
            &tech.id,
            "2020-01-03T00:00:00.000Z",
        )
        .await
        .expect("update")
        .expect("exists");
    let files = store.ticket_files(ticket.number).await.expect("files");
    let listed: Vec<(&str, bool, &str)> = files
        .iter()
        .map(|f| (f.file.id.as_str(), f.internal, f.added_by.as_str()))
        .collect();
    assert_eq!(
        listed,
        [
            ("posted", false, anna.id.as_str()),
            ("shot", false, anna.id.as_str()),
            ("log", true, tech.id.as_str()),
        ]
    );
    assert_eq!(files[0].file, file("posted", &anna.id, old).info);
    assert_eq!(
        store.ticket_of_file("log").await.expect("q"),
        Some((ticket.number, true))
    );
    assert_eq!(store.ticket_of_file("nope").await.expect("q"), None);
    // An upload attached to a ticket counts as posted; none of them is ever swept, not even
    // once the DM message that carried one is deleted.
    let shot = store.file("shot").await.expect("read").expect("shot");
    assert!(shot.posted && shot.channel_id.is_none());
    let delete = WriteOp::DeleteMessage {
        channel_id: channel.clone(),
        message_id: message.id.clone(),
        actor_id: anna.id.clone(),
        at: "2020-01-04T00:00:00.000Z".into(),
    };
    store.apply_batch(&[delete]).await.expect("delete");
    let swept = store
        .take_unreferenced("2030-01-01T00:00:00.000Z", 10)
        .await
        .expect("take");
    assert!(swept.is_empty(), "swept {swept:?}");
    assert_eq!(
        store
            .ticket_files(ticket.number)
            .await
            .expect("files")
            .len(),
        3
    );
}

pub async fn telegram_updates_are_queued_once_per_event(store: Arc<dyn Store>) {
    let bot = user(&store, "bot").await;
    let first = store.telegram_number(&bot.id).await.expect("number");
    assert_eq!(store.telegram_number(&bot.id).await.expect("again"), first);
    let channel_number = store.telegram_number("a-channel").await.expect("number");
    assert_ne!(first, channel_number);
    assert_eq!(
        store
            .telegram_id_of(channel_number)
            .await
            .expect("q")
            .as_deref(),
        Some("a-channel")
    );
    let settings = store
        .telegram_bot(&bot.id, "2026-01-01T00:00:00.000Z")
        .await
        .expect("bot");
    assert_eq!(
        (settings.webhook_url.as_str(), settings.commands.as_str()),
        ("", "[]")
    );
    let update = |seq: i64, at: &'static str| NewTelegramUpdate {
        kind: "message",
        payload: "{}",
        cursor: Some(("a-channel", seq)),
        at,
    };
    let one = store
        .push_telegram_update(&bot.id, update(3, "2026-01-01T00:00:01.000Z"))
        .await
        .expect("push");
    assert_eq!(one, Some(1));
    // The same event again, or an older one: nothing queued.
    for seq in [3, 2] {
        let again = store
            .push_telegram_update(&bot.id, update(seq, "2026-01-01T00:00:02.000Z"))
            .await
            .expect("push");
        assert_eq!(again, None);
    }
    store
        .advance_telegram_cursor(&bot.id, "a-channel", 5)
        .await
        .expect("advance");
    store
        .advance_telegram_cursor(&bot.id, "a-channel", 4)
        .await
        .expect("never back");
    assert_eq!(
        store
            .telegram_cursor(&bot.id, "a-channel")
            .await
            .expect("q"),
        Some(5)
    );
    let click = NewTelegramUpdate {
        kind: "callback_query",
        payload: "{\"data\":\"x\"}",
        cursor: None,
        at: "2026-01-03T00:00:00.000Z",
    };
    assert_eq!(
        store
            .push_telegram_update(&bot.id, click)
            .await
            .expect("push"),
        Some(2)
    );
    assert_eq!(
        store
            .push_telegram_update(&bot.id, update(6, "2026-01-03T00:00:01.000Z"))
            .await
            .expect("push"),
        Some(3)
    );
    let queued = store.telegram_updates(&bot.id, 2, 10).await.expect("read");
    let kinds: Vec<(i64, &str)> = queued
        .iter()
        .map(|u| (u.update_id, u.kind.as_str()))
        .collect();
    assert_eq!(kinds, [(2, "callback_query"), (3, "message")]);
    assert_eq!(
        store.last_telegram_update(&bot.id).await.expect("q"),
        Some(3)
    );
    store.ack_telegram_updates(&bot.id, 3).await.expect("ack");
    assert_eq!(
        store
            .pending_telegram_updates(&bot.id)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        store
            .prune_telegram_updates("2026-01-04T00:00:00.000Z")
            .await
            .expect("prune"),
        1
    );
    assert_eq!(store.last_telegram_update(&bot.id).await.expect("q"), None);
    store
        .set_telegram_webhook(
            &bot.id,
            "https://hooks.example/x",
            "s3cret",
            Some("[\"message\"]"),
        )
        .await
        .expect("webhook");
    let settings = store.telegram_bot(&bot.id, "later").await.expect("bot");
    assert_eq!(
        (
            settings.webhook_url.as_str(),
            settings.allowed_updates.as_str()
        ),
        ("https://hooks.example/x", "[\"message\"]")
    );
    assert_eq!(store.telegram_bots().await.expect("bots").len(), 1);
}

pub async fn search_folds_accents_case_and_catalan_punctuation(store: Arc<dyn Store>) {
    use xerrada::search::Query;
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna, &bernat]).await;
    let other = channel_with(&store, ChannelKind::Private, &[&bernat]).await;
    let bodies = [
        "La política de seguretat",
        "Un cafè amb l'Ajuntament",
        "La col·lecció d'obres del museu",
        "Llicència d'obres concedida",
        "SEGURETAT primer",
    ];
    let posts: Vec<WriteOp> = bodies
        .iter()
        .map(|b| post(&channel, &anna.id, b, None))
        .collect();
    store.apply_batch(&posts).await.expect("posts");
    store
        .apply_batch(&[post(&other, &bernat.id, "política privada", None)])
        .await
        .expect("post");
    let find = |q: &str, channels: Vec<String>, below: Option<i64>, limit: u32| {
        let filter = SearchFilter {
            terms: Query::parse(q).expect("query").terms,
            channel_ids: channels,
            below,
            limit,
            ..Default::default()
        };
        let store = store.clone();
        async move { store.search(&filter).await.expect("search") }
    };
    let seqs = |q: &'static str| {
        let find = &find;
        let channel = channel.clone();
        async move {
            find(q, vec![channel], None, 50)
                .await
                .iter()
                .map(|h| h.message.seq)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(seqs("politica").await, [1]);
    assert_eq!(seqs("POLÍTICA").await, [1]);
    assert_eq!(seqs("cafe").await, [2]);
    assert_eq!(seqs("SEGURETAT").await, [5, 1], "newest first");
    for spelling in ["colleccio", "col·lecció", "col.lecció"] {
        assert_eq!(seqs(spelling).await, [3], "{spelling}");
    }
    assert_eq!(seqs("ajuntament").await, [2]);
    assert_eq!(seqs("obres").await, [4, 3]);
    assert_eq!(seqs("llic*").await, [4]);
    assert_eq!(seqs("obres museu").await, [3], "every word");
    assert_eq!(seqs("\"d'obres del museu\"").await, [3]);
    assert!(
        seqs("\"museu del\"").await.is_empty(),
        "a phrase keeps its order"
    );
    assert!(seqs("privada").await.is_empty(), "another channel");
    let both = find("politica", vec![channel.clone(), other.clone()], None, 50).await;
    assert_eq!(both.len(), 2);

    // Paging: below the last result's id.
    let first = find("seguretat", vec![channel.clone()], None, 1).await;
    assert_eq!(first.len(), 1);
    let next = find("seguretat", vec![channel.clone()], Some(first[0].doc_id), 1).await;
    assert_eq!(next.iter().map(|h| h.message.seq).collect::<Vec<_>>(), [1]);

    // An edit is found by its new words only; a deleted message not at all.
    let message_id = |seq: i64| {
        let store = store.clone();
        let channel = channel.clone();
        async move {
            store
                .messages(
                    &channel,
                    HistoryQuery::After {
                        seq: seq - 1,
                        limit: 1,
                    },
                )
                .await
                .expect("history")
                .messages[0]
                .id
                .clone()
        }
    };
    let edit = WriteOp::EditMessage {
        channel_id: channel.clone(),
        message_id: message_id(2).await,
        editor_id: anna.id.clone(),
        body: Some("Un te amb l'Ajuntament".into()),
        extras: None,
        mentions: None,
        at: ids::now(),
    };
    let delete = WriteOp::DeleteMessage {
        channel_id: channel.clone(),
        message_id: message_id(3).await,
        actor_id: anna.id.clone(),
        at: ids::now(),
    };
    store
        .apply_batch(&[edit, delete])
        .await
        .expect("edit and delete");
    assert!(seqs("cafe").await.is_empty());
    assert_eq!(seqs("te").await, [2]);
    assert!(seqs("colleccio").await.is_empty(), "deleted");
    assert_eq!(seqs("obres").await, [4]);

    // A message with a file: found by the file's name, and by has:file.
    store
        .insert_file(&file("plano", &anna.id, &ids::now()))
        .await
        .expect("file");
    let mut with_file = file("plano", &anna.id, "");
    with_file.info.name = "Plànol façana.pdf".into();
    store
        .apply_batch(&[post(&channel, &anna.id, "", None).with_files(vec![with_file.info])])
        .await
        .expect("post with a file");
    let found = find("planol", vec![channel.clone()], None, 50).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message.files[0].name, "Plànol façana.pdf");
    let filter = SearchFilter {
        channel_ids: vec![channel.clone()],
        has_file: true,
        limit: 10,
        ..Default::default()
    };
    assert_eq!(store.search(&filter).await.expect("search").len(), 1);
    let filter = SearchFilter {
        channel_ids: vec![channel.clone()],
        author_id: Some(bernat.id.clone()),
        limit: 10,
        ..Default::default()
    };
    assert!(store.search(&filter).await.expect("search").is_empty());

    // The newest id, and a window above a result (the service widens windows from there).
    let every = SearchFilter {
        channel_ids: vec![channel.clone()],
        limit: 100,
        ..Default::default()
    };
    let hits = store.search(&every).await.expect("search");
    assert!(hits.len() >= 3, "{}", hits.len());
    assert_eq!(
        store.newest_search_id().await.expect("newest"),
        Some(hits[0].doc_id),
        "the post with a file was indexed last"
    );
    let window = SearchFilter {
        above: Some(hits[2].doc_id),
        ..every.clone()
    };
    let newer: Vec<i64> = store
        .search(&window)
        .await
        .expect("search")
        .iter()
        .map(|h| h.doc_id)
        .collect();
    assert_eq!(newer, [hits[0].doc_id, hits[1].doc_id]);
}

/// A batch's posts are indexed together (on SQLite under the ids their insert statements
/// gave them): with several insert statements, three channels taking turns and a membership
/// event written between two posts, each post is found by its own word, and only it.
pub async fn every_post_of_a_large_batch_is_found_by_its_own_words(store: Arc<dyn Store>) {
    use xerrada::search::Query;
    let anna = user(&store, "anna").await;
    let bernat = user(&store, "bernat").await;
    let channels = [
        channel_with(&store, ChannelKind::Public, &[&anna]).await,
        channel_with(&store, ChannelKind::Public, &[&anna]).await,
        channel_with(&store, ChannelKind::Private, &[&anna]).await,
    ];
    const POSTS: usize = 301;
    let word = |i: usize| format!("paraula{i}x");
    let mut ops: Vec<WriteOp> = (0..POSTS)
        .map(|i| {
            post(
                &channels[i % 3],
                &anna.id,
                &format!("avui {} i prou", word(i)),
                None,
            )
        })
        .collect();
    ops.insert(
        150,
        WriteOp::AddMember {
            channel_id: channels[0].clone(),
            user_id: bernat.id.clone(),
            at: ids::now(),
        },
    );
    let outcomes = store.apply_batch(&ops).await.expect("batch");
    let posted: Vec<(String, i64)> = outcomes
        .iter()
        .filter_map(|outcome| match outcome {
            WriteOutcome::Committed(ChannelEvent {
                channel_id,
                seq,
                kind: EventKind::Message(_),
            }) => Some((channel_id.clone(), *seq)),
            _ => None,
        })
        .collect();
    assert_eq!(posted.len(), POSTS);
    for (i, (channel_id, seq)) in posted.iter().enumerate() {
        let filter = SearchFilter {
            terms: Query::parse(&word(i)).expect("query").terms,
            channel_ids: channels.to_vec(),
            limit: 10,
            ..Default::default()
        };
        let hits = store.search(&filter).await.expect("search");
        let found: Vec<(&str, i64)> = hits
            .iter()
            .map(|h| (h.message.channel_id.as_str(), h.message.seq))
            .collect();
        assert_eq!(found, [(channel_id.as_str(), *seq)], "{}", word(i));
        assert!(hits[0].message.body.contains(&word(i)));
    }
    let common = SearchFilter {
        terms: Query::parse("avui prou").expect("query").terms,
        channel_ids: channels.to_vec(),
        limit: 1_000,
        ..Default::default()
    };
    assert_eq!(store.search(&common).await.expect("search").len(), POSTS);
}

/// What `q` finds in `channel_ids` (at most 100), newest first: each message's channel and seq.
pub async fn searched(
    store: &Arc<dyn Store>,
    q: &str,
    channel_ids: &[String],
) -> Vec<(String, i64)> {
    let filter = SearchFilter {
        terms: xerrada::search::Query::parse(q).expect("query").terms,
        channel_ids: channel_ids.to_vec(),
        limit: 100,
        ..Default::default()
    };
    store
        .search(&filter)
        .await
        .expect("search")
        .iter()
        .map(|h| (h.message.channel_id.clone(), h.message.seq))
        .collect()
}

/// A search in a few channels finds them in the index (SQLite's `channel` column) and a
/// search in many reads each match's row: both give exactly the messages of the channels
/// asked for, newest first, also after an edit (indexed again by another path) and when a
/// message's words look like a channel's token.
pub async fn a_search_finds_the_same_in_few_channels_as_in_many(store: Arc<dyn Store>) {
    use xerrada::search::channel_token;
    let anna = user(&store, "anna").await;
    let mut channels = Vec::new();
    for _ in 0..12 {
        channels.push(channel_with(&store, ChannelKind::Public, &[&anna]).await);
    }
    // Two rounds over every channel, so that each holds two matches between the others'.
    let posts: Vec<WriteOp> = (0..24)
        .map(|i| post(&channels[i % 12], &anna.id, &format!("reunió {i}"), None))
        .collect();
    store.apply_batch(&posts).await.expect("posts");
    let token_of_first = channel_token(&channels[0]);
    store
        .apply_batch(&[post(
            &channels[1],
            &anna.id,
            &format!("reunió sobre {token_of_first}"),
            None,
        )])
        .await
        .expect("post");
    let first_post = store
        .messages(&channels[0], HistoryQuery::After { seq: 0, limit: 1 })
        .await
        .expect("history")
        .messages[0]
        .id
        .clone();
    let edit = WriteOp::EditMessage {
        channel_id: channels[0].clone(),
        message_id: first_post,
        editor_id: anna.id.clone(),
        body: Some("reunió ajornada".into()),
        extras: None,
        mentions: None,
        at: ids::now(),
    };
    store.apply_batch(&[edit]).await.expect("edit");

    for count in [1, 2, 8, 9, 12] {
        let among = &channels[..count];
        let hits = searched(&store, "reunio", among).await;
        let mut expected: Vec<(String, i64)> = (0..24)
            .filter(|i| i % 12 < count)
            .map(|i| (channels[i % 12].clone(), 1 + (i / 12) as i64))
            .collect();
        if count > 1 {
            expected.push((channels[1].clone(), 3));
        }
        // Posted in that order, so newest first is the reverse, with the edit in place.
        expected.reverse();
        assert_eq!(hits, expected, "in {count} channels");
        let edited = searched(&store, "ajornada", among).await;
        assert_eq!(edited, [(channels[0].clone(), 1)], "in {count} channels");
        assert!(
            searched(&store, "reunio", &channels[count..])
                .await
                .iter()
                .all(|(c, _)| !among.contains(c))
        );
    }
    assert_eq!(
        searched(&store, &token_of_first, &channels[..1]).await,
        [],
        "a channel's token is not a word of its messages"
    );
    assert_eq!(
        searched(&store, &token_of_first, &channels).await,
        [(channels[1].clone(), 3)],
        "the message that wrote it"
    );
}

/// A prefix finds every word it starts, whether the store spells it out as those words
/// (SQLite, up to 64 of them) or leaves it to the index (more words, other scripts).
pub async fn a_prefix_finds_every_word_it_starts(store: Arc<dyn Store>) {
    let anna = user(&store, "anna").await;
    let channel = channel_with(&store, ChannelKind::Public, &[&anna]).await;
    let mut bodies: Vec<String> = [
        "Llicència d'obres",
        "Les llicències",
        "Un llicenciat",
        "El llibre",
        "Це слово",
        "Новий словник",
    ]
    .iter()
    .map(|b| b.to_string())
    .collect();
    // More words than a prefix is spelled out as.
    bodies.extend((0..70).map(|i| format!("mot{i}x")));
    let posts: Vec<WriteOp> = bodies
        .iter()
        .map(|b| post(&channel, &anna.id, b, None))
        .collect();
    store.apply_batch(&posts).await.expect("posts");
    let channels = [channel];
    assert_eq!(seqs_in(&store, &channels, "llic*").await, [3, 2, 1]);
    assert_eq!(
        seqs_in(&store, &channels, "LLICÈ*").await,
        [3, 2, 1],
        "folded like the words"
    );
    assert_eq!(seqs_in(&store, &channels, "llicencie*").await, [2]);
    assert_eq!(
        seqs_in(&store, &channels, "llic* obres").await,
        [1],
        "with another word"
    );
    assert_eq!(
        seqs_in(&store, &channels, "d'obr*").await,
        [1],
        "two words, the last one a prefix"
    );
    assert_eq!(seqs_in(&store, &channels, "lli*").await, [4, 3, 2, 1]);
    assert_eq!(
        seqs_in(&store, &channels, "mot*").await.len(),
        70,
        "more words than are spelled out"
    );
    assert_eq!(
        seqs_in(&store, &channels, "mot4*").await.len(),
        11,
        "mot4x and mot40x to mot49x"
    );
    assert_eq!(
        seqs_in(&store, &channels, "СЛО*").await,
        [6, 5],
        "another script"
    );
    assert!(seqs_in(&store, &channels, "zzz*").await.is_empty());
    assert!(
        seqs_in(&store, &channels, "c0*").await.is_empty(),
        "channel tokens are not words"
    );
}

/// The seqs of what `q` finds in `channel_ids`, newest first.
async fn seqs_in(store: &Arc<dyn Store>, channel_ids: &[String], q: &str) -> Vec<i64> {
    searched(store, q, channel_ids)
        .await
        .into_iter()
        .map(|(_, seq)| seq)
        .collect()
}
