//! The admin area's API: account recovery, departments, every channel, the dashboard, the
//! staff import, and the audit log of all of it.

use reqwest::Method;
use serde_json::{Value, json};
use xerrada_tests::{Session, TestApp, USER_PASSWORD, spawn_app};

/// The entries of the audit log (newest first) that match `query`.
async fn audit(app: &TestApp, admin: &Session, query: &str) -> Vec<Value> {
    let (status, page) = app
        .get(&format!("/api/v1/audit?{query}"), &admin.token)
        .await;
    assert_eq!(status, 200, "{page}");
    page["entries"].as_array().expect("entries").clone()
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().expect("action"))
        .collect()
}

#[tokio::test]
async fn every_admin_route_answers_403_to_a_member() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let department = app.create_department(&admin, "tic").await;
    let channel = app.create_channel(&admin, "plens", "public").await;
    let (_, bot) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "avisos", "display_name": "Avisos"}),
        )
        .await;
    let bot_id = bot["bot"]["id"].as_str().expect("bot id").to_owned();
    let (_, hook) = app
        .post(
            &format!("/api/v1/channels/{channel}/webhooks"),
            &admin.token,
            json!({"name": "ci"}),
        )
        .await;
    let hook_id = hook["id"].as_str().expect("hook id").to_owned();
    let bernat_id = &bernat.user.id;
    let dept = &department.id;
    // Every route only an admin may call, with a body that would otherwise be accepted.
    let routes: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            "/api/v1/users".into(),
            Some(json!({"username": "x1", "display_name": "X"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{bernat_id}"),
            Some(json!({"role": "admin"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{bernat_id}"),
            Some(json!({"display_name": "B"})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{bernat_id}/deactivate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{bernat_id}/reactivate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{bernat_id}/reset-password"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{bernat_id}/sign-out"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/departments".into(),
            Some(json!({"slug": "oac", "name": "OAC"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/departments/{dept}"),
            Some(json!({"name": "TIC"})),
        ),
        (
            Method::GET,
            format!("/api/v1/departments/{dept}/members"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/departments/{dept}/members/{bernat_id}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/departments/{dept}/members/{bernat_id}"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/channels/{channel}/members/{bernat_id}"),
            None,
        ),
        (
            Method::POST,
            "/api/v1/bots".into(),
            Some(json!({"username": "b2", "display_name": "B"})),
        ),
        (Method::GET, format!("/api/v1/bots/{bot_id}/tokens"), None),
        (
            Method::POST,
            format!("/api/v1/bots/{bot_id}/tokens"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/commands".into(),
            Some(json!({"name": "x", "url": "http://127.0.0.1:9/x"})),
        ),
        (Method::GET, "/api/v1/commands".into(), None),
        (
            Method::PUT,
            "/api/v1/info/vpn".into(),
            Some(json!({"title": "VPN", "body": "b"})),
        ),
        (Method::DELETE, "/api/v1/info/vpn".into(), None),
        (Method::GET, "/api/v1/admin/stats".into(), None),
        (Method::GET, "/api/v1/admin/channels".into(), None),
        (Method::GET, "/api/v1/admin/webhooks".into(), None),
        (Method::GET, "/api/v1/admin/support".into(), None),
        (
            Method::PUT,
            "/api/v1/admin/support".into(),
            Some(json!({"department": "tic", "categories": ["x"]})),
        ),
        (
            Method::POST,
            "/api/v1/admin/import".into(),
            Some(json!({"csv": "x2,X,,", "dry_run": true})),
        ),
        (Method::GET, "/api/v1/audit".into(), None),
        (Method::GET, "/api/v1/audit?format=csv".into(), None),
    ];
    for (method, path, body) in &routes {
        let (status, answer) = app
            .client
            .call(method.clone(), path, Some(&anna.token), body.clone())
            .await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (403, Some("forbidden")),
            "{method} {path} as a member: {answer}"
        );
    }
    // The hook's own routes: a member who is not in its channel learns nothing of it.
    for path in [format!("/api/v1/webhooks/{hook_id}/regenerate")] {
        let (status, _) = app.post(&path, &anna.token, json!({})).await;
        assert_eq!(status, 404, "{path}");
    }
    // Nothing the member tried changed anything.
    let (_, bernat_now) = app
        .get(&format!("/api/v1/users/{bernat_id}"), &admin.token)
        .await;
    assert_eq!(
        (bernat_now["active"].as_bool(), bernat_now["role"].as_str()),
        (Some(true), Some("member"))
    );
    assert_eq!(app.get("/api/v1/me", &bernat.token).await.0, 200);
    assert!(
        audit(&app, &admin, "actor=anna")
            .await
            .iter()
            .all(|e| e["action"] == "auth.login")
    );
}

#[tokio::test]
async fn an_account_made_with_a_one_time_password_logs_in_with_it() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, created) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({"username": "joan", "display_name": "Joan Vila", "email": "joan.vila@ajuntament.cat"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["username"], "joan");
    assert_eq!(created["email"], "joan.vila@ajuntament.cat");
    let password = created["password"]
        .as_str()
        .expect("a one-time password")
        .to_owned();
    assert!(password.len() >= 16);
    let joan = app.login("joan", &password).await;
    assert_eq!(joan.user.email, "joan.vila@ajuntament.cat");
    // The password is never shown again.
    let (_, listed) = app
        .get(&format!("/api/v1/users/{}", joan.user.id), &admin.token)
        .await;
    assert!(listed.get("password").is_none(), "{listed}");
    // A chosen password answers no password; a bad e-mail is refused.
    let (status, chosen) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({"username": "marta", "display_name": "Marta", "password": USER_PASSWORD}),
        )
        .await;
    assert_eq!(status, 201);
    assert!(chosen.get("password").is_none(), "{chosen}");
    let (status, refused) = app
        .post(
            "/api/v1/users",
            &admin.token,
            json!({"username": "pere", "display_name": "Pere", "email": "pere at casa"}),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (400, Some("invalid_request")),
        "{refused}"
    );
    // Only an admin changes an e-mail address.
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", joan.user.id),
            Some(&joan.token),
            Some(json!({"email": "joan@casa.cat"})),
        )
        .await;
    assert_eq!(status, 403);
    let (status, changed) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{}", joan.user.id),
            Some(&admin.token),
            Some(json!({"email": "jvila@ajuntament.cat"})),
        )
        .await;
    assert_eq!(
        (status, changed["email"].as_str()),
        (200, Some("jvila@ajuntament.cat"))
    );
}

#[tokio::test]
async fn a_password_reset_and_a_sign_out_end_every_session_of_the_person() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let anna_phone = app.login("anna", USER_PASSWORD).await;
    let mut tab = app.connect(&anna).await;
    let mut phone = app.connect(&anna_phone).await;

    let (status, answer) = app
        .post(
            &format!("/api/v1/users/{}/sign-out", anna.user.id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204, "{answer}");
    assert_eq!(tab.expect_close().await, Some(4003));
    assert_eq!(phone.expect_close().await, Some(4003));
    assert_eq!(app.get("/api/v1/me", &anna.token).await.0, 401);
    let refresh = app
        .call(
            Method::POST,
            "/api/v1/auth/refresh",
            None,
            Some(json!({"refresh_token": anna_phone.refresh_token})),
        )
        .await;
    assert_eq!(refresh.0, 401, "the refresh token is gone too");
    // She still logs in with her password.
    let again = app.login("anna", USER_PASSWORD).await;
    let mut tab = app.connect(&again).await;

    let (status, reset) = app
        .post(
            &format!("/api/v1/users/{}/reset-password", anna.user.id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{reset}");
    assert_eq!(tab.expect_close().await, Some(4003));
    let made = reset["password"].as_str().expect("password");
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "anna", "password": USER_PASSWORD})),
        )
        .await;
    assert_eq!(status, 401, "the old password no longer works");
    app.login("anna", made).await;
    let (status, chosen) = app
        .post(
            &format!("/api/v1/users/{}/reset-password", anna.user.id),
            &admin.token,
            json!({"password": "nova-contrasenya"}),
        )
        .await;
    assert_eq!(
        (status, chosen["password"].as_str()),
        (200, Some("nova-contrasenya"))
    );
    app.login("anna", "nova-contrasenya").await;
    let (status, _) = app
        .post(
            &format!("/api/v1/users/{}/reset-password", anna.user.id),
            &admin.token,
            json!({"password": "curt"}),
        )
        .await;
    assert_eq!(status, 400, "too short");
    let (status, _) = app
        .post("/api/v1/users/nobody/sign-out", &admin.token, json!({}))
        .await;
    assert_eq!(status, 404);

    // Deactivated, then reactivated: the password works again.
    let (status, _) = app
        .post(
            &format!("/api/v1/users/{}/deactivate", anna.user.id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(status, 204);
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "anna", "password": "nova-contrasenya"})),
        )
        .await;
    assert_eq!(status, 401);
    let (status, user) = app
        .post(
            &format!("/api/v1/users/{}/reactivate", anna.user.id),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(
        (status, user["active"].as_bool()),
        (200, Some(true)),
        "{user}"
    );
    app.login("anna", "nova-contrasenya").await;
    let (status, _) = app
        .post("/api/v1/users/nobody/reactivate", &admin.token, json!({}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn departments_are_renamed_and_list_their_members() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let department = app.create_department(&admin, "urbanisme").await;
    let anna = app.create_user_in(&admin, "anna", &[&department.id]).await;
    app.create_user(&admin, "bernat").await;
    let (status, renamed) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/departments/{}", department.id),
            Some(&admin.token),
            Some(json!({"name": "Urbanisme i Habitatge"})),
        )
        .await;
    assert_eq!(status, 200, "{renamed}");
    assert_eq!(
        (renamed["name"].as_str(), renamed["slug"].as_str()),
        (Some("Urbanisme i Habitatge"), Some("urbanisme"))
    );
    let (_, listed) = app.get("/api/v1/departments", &anna.token).await;
    assert_eq!(listed[0]["name"], "Urbanisme i Habitatge");
    let (status, members) = app
        .get(
            &format!("/api/v1/departments/{}/members", department.id),
            &admin.token,
        )
        .await;
    assert_eq!(status, 200);
    let names: Vec<&str> = members
        .as_array()
        .expect("members")
        .iter()
        .map(|u| u["username"].as_str().expect("username"))
        .collect();
    assert_eq!(names, vec!["anna"]);
    for (path, body, expected) in [
        (
            format!("/api/v1/departments/{}", department.id),
            json!({"name": ""}),
            400,
        ),
        (
            "/api/v1/departments/nope".to_owned(),
            json!({"name": "X"}),
            404,
        ),
    ] {
        let (status, answer) = app
            .call(Method::PATCH, &path, Some(&admin.token), Some(body))
            .await;
        assert_eq!(status, expected, "{path}: {answer}");
    }
    assert_eq!(
        app.get("/api/v1/departments/nope/members", &admin.token)
            .await
            .0,
        404
    );
}

#[tokio::test]
async fn the_admin_sees_every_channel_but_no_direct_one_and_no_message() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let secret = app.create_channel(&anna, "sindicat", "private").await;
    app.send(&anna, &secret, "només per a nosaltres").await;
    let dm_id = app.open_dm(&anna, &[&bernat.user.id]).await;
    let (status, channels) = app.get("/api/v1/admin/channels", &admin.token).await;
    assert_eq!(status, 200);
    let listed = channels.as_array().expect("channels");
    let private = listed
        .iter()
        .find(|c| c["id"] == secret.as_str())
        .expect("the private channel is listed");
    assert_eq!(
        (
            private["member_count"].as_i64(),
            private["joined"].as_bool()
        ),
        (Some(1), Some(false))
    );
    assert!(
        listed
            .iter()
            .all(|c| c["id"] != dm_id.as_str() && c["kind"] != "direct")
    );
    // Its members, yes; its messages, no.
    let (status, members) = app
        .get(&format!("/api/v1/channels/{secret}/members"), &admin.token)
        .await;
    assert_eq!(
        (status, members[0]["username"].as_str()),
        (200, Some("anna"))
    );
    let (status, _) = app
        .get(&format!("/api/v1/channels/{secret}/messages"), &admin.token)
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        app.get(&format!("/api/v1/channels/{dm_id}/members"), &admin.token)
            .await
            .0,
        404
    );
    // Its webhooks too, with every other channel's.
    let (status, hook) = app
        .post(
            &format!("/api/v1/channels/{secret}/webhooks"),
            &anna.token,
            json!({"name": "avisos"}),
        )
        .await;
    assert_eq!(status, 201, "{hook}");
    let (status, hooks) = app.get("/api/v1/admin/webhooks", &admin.token).await;
    assert_eq!(status, 200);
    assert_eq!(hooks[0]["id"], hook["id"]);
    assert_eq!(hooks[0]["disabled"], false);
    assert!(
        hooks[0].get("url").is_none(),
        "never the secret URL: {hooks}"
    );
    let (status, support) = app.get("/api/v1/admin/support", &admin.token).await;
    assert_eq!(status, 200);
    assert_eq!(support["department"], "tic");
    assert!(support["categories"].as_array().expect("categories").len() > 1);
    let team: Vec<&str> = support["team"]
        .as_array()
        .expect("team")
        .iter()
        .map(|u| u["username"].as_str().expect("username"))
        .collect();
    assert_eq!(
        team,
        vec!["admin"],
        "no tic department yet: only the admins"
    );
    // The admin archives it without joining.
    let (status, archived) = app
        .post(
            &format!("/api/v1/channels/{secret}/archive"),
            &admin.token,
            json!({}),
        )
        .await;
    assert_eq!(
        (status, archived["archived"].as_bool()),
        (200, Some(true)),
        "{archived}"
    );
    let (_, dashboard) = app.get("/api/v1/admin/stats", &admin.token).await;
    assert_eq!(dashboard["messages_today"], 1, "{dashboard}");
    assert_eq!(dashboard["users"], 3, "admin, anna and bernat: {dashboard}");
    assert_eq!(dashboard["channels"], 1, "{dashboard}");
    assert!(
        dashboard["storage"]["database_bytes"]
            .as_u64()
            .expect("bytes")
            > 0
    );
    assert_eq!(dashboard["version"], env!("CARGO_PKG_VERSION"));
    let _socket = app.connect(&anna).await;
    let (_, dashboard) = app.get("/api/v1/admin/stats", &admin.token).await;
    assert_eq!(dashboard["online"], 1, "{dashboard}");
}

/// 50 people, two of them on bad lines.
fn staff_csv() -> String {
    let mut csv = String::from("username,display_name,email,departments\n");
    for n in 1..=50 {
        match n {
            17 => csv.push_str("mal nom,Persona 17,p17@ajuntament.cat,urbanisme\n"),
            33 => csv.push_str("persona33,Persona 33,p33@ajuntament.cat,esports\n"),
            n if n % 2 == 0 => csv.push_str(&format!(
                "persona{n},\"Vila, Persona {n}\",p{n}@ajuntament.cat,urbanisme;tic\n"
            )),
            n => csv.push_str(&format!(
                "persona{n},Persona {n},p{n}@ajuntament.cat,urbanisme\n"
            )),
        }
    }
    csv
}

#[tokio::test]
async fn a_staff_import_previews_reports_each_bad_line_and_creates_the_rest() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let urbanisme = app.create_department(&admin, "urbanisme").await;
    app.create_department(&admin, "tic").await;
    let csv = staff_csv();
    let (status, preview) = app
        .post(
            "/api/v1/admin/import",
            &admin.token,
            json!({"csv": csv, "dry_run": true}),
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["dry_run"], true);
    assert_eq!(preview["rows"].as_array().expect("rows").len(), 48);
    let errors = preview["errors"].as_array().expect("errors");
    let lines: Vec<u64> = errors
        .iter()
        .map(|e| e["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, vec![18, 34], "the header is line 1: {errors:?}");
    assert!(
        errors[1]["message"]
            .as_str()
            .expect("message")
            .contains("esports")
    );
    assert_eq!(
        preview["rows"][1]["display_name"], "Vila, Persona 2",
        "quoted commas"
    );
    assert_eq!(
        preview["rows"][1]["departments"],
        json!(["urbanisme", "tic"])
    );
    let (_, everyone) = app.get("/api/v1/users", &admin.token).await;
    let people = everyone
        .as_array()
        .expect("users")
        .iter()
        .filter(|u| u["kind"] == "human")
        .count();
    assert_eq!(people, 1, "a dry run creates nobody");

    let (status, done) = app
        .post("/api/v1/admin/import", &admin.token, json!({"csv": csv}))
        .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["rows"].as_array().expect("rows").len(), 48);
    assert_eq!(done["errors"].as_array().expect("errors").len(), 2);
    let second = &done["rows"][1];
    let persona2 = app
        .login("persona2", second["password"].as_str().expect("password"))
        .await;
    assert_eq!(persona2.user.email, "p2@ajuntament.cat");
    assert_eq!(persona2.user.department_ids.len(), 2);
    let (_, members) = app
        .get(
            &format!("/api/v1/departments/{}/members", urbanisme.id),
            &admin.token,
        )
        .await;
    assert_eq!(members.as_array().expect("members").len(), 48);
    // The same file again: every line is now taken, and nothing is created twice.
    let (_, again) = app
        .post(
            "/api/v1/admin/import",
            &admin.token,
            json!({"csv": csv, "dry_run": true}),
        )
        .await;
    assert_eq!(again["rows"].as_array().expect("rows").len(), 0);
    assert_eq!(again["errors"].as_array().expect("errors").len(), 50);
    // Lines that are not CSV at all, and repeats within one file.
    let (_, odd) = app
        .post(
            "/api/v1/admin/import",
            &admin.token,
            json!({"csv": "nou1,A,a@b.cat,,extra\nnou2,B\nNOU2,C\n\"nou3,D\n", "dry_run": true}),
        )
        .await;
    let lines: Vec<u64> = odd["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines.first(), Some(&1), "five columns: {odd}");
    assert!(lines.contains(&3), "a repeated username: {odd}");
    assert_eq!(odd["rows"][0]["username"], "nou2");
    assert_eq!(odd["rows"][0]["email"], "");
    let entries = audit(&app, &admin, "action=user.imported&limit=500").await;
    assert_eq!(entries.len(), 48);
}

#[tokio::test]
async fn the_audit_log_records_each_admin_and_security_action() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "=HYPERLINK(\"http://x\")", "password": "wrong-password"})),
        )
        .await;
    assert_eq!(status, 401);
    let department = app.create_department(&admin, "tic").await;
    let anna = app.create_user(&admin, "anna").await;
    let bernat = app.create_user(&admin, "bernat").await;
    let admin_id = admin.user.id.clone();
    let a = &anna.user.id;
    let d = &department.id;
    let channel = app.create_channel(&admin, "projectes", "private").await;
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::PATCH,
            format!("/api/v1/users/{a}"),
            Some(json!({"role": "admin"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/users/{a}"),
            Some(json!({"role": "member", "password": "una-altra-clau"})),
        ),
        (
            Method::PATCH,
            format!("/api/v1/departments/{d}"),
            Some(json!({"name": "TIC"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/departments/{d}/members/{a}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/departments/{d}/members/{a}"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/channels/{channel}/members/{a}"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/channels/{channel}/members/{a}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/channels/{channel}/archive"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/channels/{channel}/unarchive"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{a}/reset-password"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{a}/sign-out"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{a}/deactivate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{a}/reactivate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            "/api/v1/commands".into(),
            Some(json!({"name": "temps", "url": "http://127.0.0.1:9/temps"})),
        ),
        (
            Method::PUT,
            "/api/v1/info/vpn".into(),
            Some(json!({"title": "VPN", "body": "FortiClient"})),
        ),
        (Method::DELETE, "/api/v1/info/vpn".into(), None),
    ];
    for (method, path, body) in &calls {
        let (status, answer) = app
            .client
            .call(method.clone(), path, Some(&admin.token), body.clone())
            .await;
        assert!(status < 300, "{method} {path}: {status} {answer}");
    }
    let (_, bot) = app
        .post(
            "/api/v1/bots",
            &admin.token,
            json!({"username": "avisos", "display_name": "Avisos"}),
        )
        .await;
    let bot_id = bot["bot"]["id"].as_str().expect("bot").to_owned();
    let (_, token) = app
        .post(
            &format!("/api/v1/bots/{bot_id}/tokens"),
            &admin.token,
            json!({"label": "ci"}),
        )
        .await;
    let token_id = token["id"].as_str().expect("token id").to_owned();
    assert_eq!(
        app.delete(
            &format!("/api/v1/bots/{bot_id}/tokens/{token_id}"),
            &admin.token
        )
        .await
        .0,
        204
    );
    let (_, commands) = app.get("/api/v1/commands", &admin.token).await;
    let command_id = commands[0]["id"].as_str().expect("command").to_owned();
    assert_eq!(
        app.delete(&format!("/api/v1/commands/{command_id}"), &admin.token)
            .await
            .0,
        204
    );
    let open = app.create_channel(&bernat, "cafe", "public").await;
    let (_, hook) = app
        .post(
            &format!("/api/v1/channels/{open}/webhooks"),
            &bernat.token,
            json!({"name": "ci"}),
        )
        .await;
    let hook_id = hook["id"].as_str().expect("hook").to_owned();
    app.join(&admin, &open).await;
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/webhooks/{hook_id}"),
            Some(json!({"name": "ci-2"})),
        ),
        (
            Method::POST,
            format!("/api/v1/webhooks/{hook_id}/regenerate"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/webhooks/{hook_id}/take-over"),
            Some(json!({})),
        ),
        (Method::DELETE, format!("/api/v1/webhooks/{hook_id}"), None),
    ] {
        let (status, answer) = app
            .client
            .call(method.clone(), &path, Some(&admin.token), body)
            .await;
        assert!(status < 300, "{method} {path}: {status} {answer}");
    }
    assert_eq!(
        app.post("/api/v1/auth/logout", &bernat.token, json!({}))
            .await
            .0,
        204
    );

    let entries = audit(&app, &admin, "limit=500").await;
    let seen = actions(&entries);
    for expected in [
        "auth.login",
        "auth.login_failed",
        "auth.logout",
        "user.created",
        "user.updated",
        "user.deactivated",
        "user.reactivated",
        "user.password_reset",
        "user.signed_out",
        "department.created",
        "department.renamed",
        "department.member_added",
        "department.member_removed",
        "channel.member_added",
        "channel.member_removed",
        "channel.archived",
        "channel.unarchived",
        "bot.created",
        "bot.token_created",
        "bot.token_revoked",
        "webhook.created",
        "webhook.renamed",
        "webhook.regenerated",
        "webhook.taken_over",
        "webhook.deleted",
        "command.registered",
        "command.removed",
        "info.set",
        "info.removed",
    ] {
        assert!(seen.contains(&expected), "no {expected} in {seen:?}");
    }
    // Newest first, ids increasing with time, the admin's own actions with its id and address.
    let ids: Vec<i64> = entries
        .iter()
        .map(|e| e["id"].as_i64().expect("id"))
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "{ids:?}");
    let role_change = entries
        .iter()
        .rev()
        .find(|e| e["action"] == "user.updated")
        .expect("role change");
    assert_eq!(role_change["actor_id"], admin_id.as_str());
    assert_eq!(role_change["actor_name"], "admin");
    assert_eq!(role_change["target"], a.as_str());
    assert_eq!(role_change["ip"], "127.0.0.1");
    assert_eq!(role_change["details"], json!({"role": "admin"}));
    let password_change = entries
        .iter()
        .find(|e| e["action"] == "user.updated")
        .expect("password");
    assert_eq!(
        password_change["details"],
        json!({"role": "member", "password_changed": true}),
        "never the password itself"
    );
    let failed = entries
        .iter()
        .find(|e| e["action"] == "auth.login_failed")
        .expect("failed");
    assert_eq!(
        (failed["actor_id"].clone(), failed["ip"].as_str()),
        (Value::Null, Some("127.0.0.1"))
    );
    let serialized = serde_json::to_string(&entries).expect("json");
    for secret in [
        "wrong-password",
        "una-altra-clau",
        token["token"].as_str().expect("t"),
        hook["url"].as_str().expect("u"),
    ] {
        assert!(
            !serialized.contains(secret),
            "a secret in the audit log: {secret}"
        );
    }

    // Filters: by actor (id or username), by action, by time, and pages with a cursor.
    let bernat_entries = audit(&app, &admin, &format!("actor={}", bernat.user.id)).await;
    assert_eq!(
        actions(&bernat_entries),
        vec!["auth.logout", "webhook.created", "auth.login"]
    );
    assert_eq!(audit(&app, &admin, "actor=bernat").await.len(), 3);
    let tried = audit(&app, &admin, "actor=%3DHYPERLINK(%22http%3A%2F%2Fx%22)").await;
    assert_eq!(actions(&tried), vec!["auth.login_failed"]);
    assert!(
        actions(&audit(&app, &admin, "action=user.created").await)
            .iter()
            .all(|a| *a == "user.created")
    );
    assert!(audit(&app, &admin, "to=2000-01-01").await.is_empty());
    assert_eq!(
        audit(&app, &admin, "from=2000-01-01&limit=500").await.len(),
        entries.len()
    );
    let (_, first) = app.get("/api/v1/audit?limit=5", &admin.token).await;
    let cursor = first["next_cursor"].as_str().expect("cursor");
    let (_, second) = app
        .get(
            &format!("/api/v1/audit?limit=5&cursor={cursor}"),
            &admin.token,
        )
        .await;
    assert_eq!(second["entries"][0]["id"], entries[5]["id"]);
    for bad in [
        "limit=0",
        "limit=501",
        "cursor=abc",
        "action=user.exploded",
        "from=ahir",
        "format=xml",
    ] {
        let (status, answer) = app.get(&format!("/api/v1/audit?{bad}"), &admin.token).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some("invalid_request")),
            "{bad}: {answer}"
        );
    }

    // The CSV download: every entry, formulas as text, and the download is itself audited.
    let response = reqwest::Client::new()
        .get(app.client.url("/api/v1/audit?format=csv"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("csv");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .starts_with("attachment")
    );
    let text = response.text().await.expect("text");
    let mut reader = csv_lines(&text);
    assert_eq!(
        reader.remove(0),
        "id,at,actor_id,actor_name,action,target,ip,details"
    );
    assert_eq!(reader.len(), entries.len(), "every entry");
    assert!(text.contains("'=HYPERLINK"), "a formula is written as text");
    let exported = audit(&app, &admin, "action=audit.exported").await;
    assert_eq!(exported.len(), 1);

    // No route changes or removes an entry.
    for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
        let (status, _) = app
            .client
            .call(
                method.clone(),
                "/api/v1/audit",
                Some(&admin.token),
                Some(json!({})),
            )
            .await;
        assert_eq!(status, 405, "{method} /api/v1/audit");
    }
}

#[tokio::test]
async fn the_support_desk_settings_are_changed_in_the_admin_area() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let tic = app.create_department(&admin, "tic").await;
    let oac = app.create_department(&admin, "oac").await;
    let marta = app.create_user_in(&admin, "marta", &[&tic.id]).await;
    let pere = app.create_user_in(&admin, "pere", &[&oac.id]).await;
    let anna = app.create_user(&admin, "anna").await;
    let team = |settings: &Value| -> Vec<String> {
        let mut names: Vec<String> = settings["team"]
            .as_array()
            .expect("team")
            .iter()
            .map(|u| u["username"].as_str().expect("username").to_owned())
            .collect();
        names.sort();
        names
    };
    let (_, before) = app.get("/api/v1/admin/support", &admin.token).await;
    assert_eq!(team(&before), ["admin", "marta"]);
    assert_eq!(
        app.get("/api/v1/tickets?status=open", &marta.token).await.0,
        200
    );

    let (status, changed) = app
        .call(
            Method::PUT,
            "/api/v1/admin/support",
            Some(&admin.token),
            Some(json!({"department": "oac", "categories": ["Impressores", " Portal web ", "Altres"]})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        changed["categories"],
        json!(["Impressores", "Portal web", "Altres"])
    );
    assert_eq!(team(&changed), ["admin", "pere"], "the team is now OAC's");
    // In force at once: the new default and categories, the new team.
    let (_, ticket) = app
        .post(
            "/api/v1/tickets",
            &anna.token,
            json!({"description": "La impressora fa soroll"}),
        )
        .await;
    assert_eq!(ticket["category"], "Altres");
    let (status, refused) = app
        .post(
            "/api/v1/tickets",
            &anna.token,
            json!({"description": "x", "category": "maquinari"}),
        )
        .await;
    assert_eq!(status, 400, "{refused}");
    let (status, _) = app
        .post(
            "/api/v1/tickets",
            &anna.token,
            json!({"description": "y", "category": "portal WEB"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(app.get("/api/v1/tickets/stats", &pere.token).await.0, 200);
    assert_eq!(app.get("/api/v1/tickets/stats", &marta.token).await.0, 403);
    let (_, reread) = app.get("/api/v1/admin/support", &admin.token).await;
    assert_eq!(reread["department"], "oac");

    for (body, why) in [
        (
            json!({"department": "nope", "categories": ["a"]}),
            "unknown department",
        ),
        (
            json!({"department": "oac", "categories": []}),
            "no category",
        ),
        (
            json!({"department": "oac", "categories": ["a", "A"]}),
            "twice",
        ),
        (json!({"department": "oac", "categories": [""]}), "empty"),
        (
            json!({"department": "oac", "categories": ["x".repeat(41)]}),
            "too long",
        ),
        (json!({"department": "oac"}), "missing"),
    ] {
        let (status, answer) = app
            .call(
                Method::PUT,
                "/api/v1/admin/support",
                Some(&admin.token),
                Some(body),
            )
            .await;
        assert!(status == 400 || status == 422, "{why}: {status} {answer}");
        assert_eq!(answer["code"], "invalid_request", "{why}");
    }
    let (_, unchanged) = app.get("/api/v1/admin/support", &admin.token).await;
    assert_eq!(
        unchanged["department"], "oac",
        "a refused change changes nothing"
    );
    let entries = audit(&app, &admin, "action=settings.changed").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["details"]["department"], "oac");
}

fn csv_lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}
