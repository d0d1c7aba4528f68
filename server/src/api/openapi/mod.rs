//! The OpenAPI 3.1 document of the HTTP API, served at `/api/v1/openapi.json`.
//!
//! The document is not written by hand: each handler carries its `#[utoipa::path]` (method,
//! path, parameters, bodies, answers, who may call it) and `api::router` registers handlers
//! only through `utoipa_axum::routes!`, which takes the method and path from that same
//! annotation. A route therefore cannot exist without its entry (`tests/openapi.rs` in the
//! e2e suite also checks it from outside). The only paths added here by hand are the Bot
//! API's, which live under the router's fallback because `/bot<token>/…` has no axum pattern.
//!
//! Each operation also says who may call it, as the extension `x-access` (see [`access`]);
//! the authorization matrix test reads it to know what each role must be answered.

use axum::Extension;
use axum::http::header;
use axum::response::IntoResponse;
use bytes::Bytes;
use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi, PathItem, Required, ResponseBuilder, ResponsesBuilder,
};
use utoipa::{IntoResponses, Modify, OpenApi as _};
use xerrada_protocol::ApiError;

mod constraints;

/// Who may call an operation: the value of its `x-access` extension. The access table in
/// docs/protocol.md says what each class answers to each kind of caller.
pub mod access {
    /// Anyone, without a token (signing in, probes, secrets carried in the path).
    pub const PUBLIC: &str = "public";
    /// Any signed-in account, person or bot.
    pub const SIGNED_IN: &str = "signed_in";
    /// The channel in the path, as the directory shows it: a public channel to anyone signed
    /// in, a private one to its members only (404 to others, admins included: they see every
    /// channel in the admin area).
    pub const CHANNEL_VISIBLE: &str = "channel_visible";
    /// Members of the channel in the path (or of the message's channel): 403 for a public
    /// channel not joined, 404 for a private one.
    pub const CHANNEL_MEMBER: &str = "channel_member";
    /// A channel's settings (`PATCH`): its members set the topic and purpose, and admins do
    /// from the admin area without joining (not in a direct conversation); renaming is also
    /// the manager's.
    pub const CHANNEL_SETTINGS: &str = "channel_settings";
    /// Who manages the channel in the path (renames, archives): its owner or an admin.
    pub const CHANNEL_MANAGER: &str = "channel_manager";
    /// A channel's member list: for a private channel, its members and admins see and change
    /// it; for a public one, anyone signed in sees it and admins change it.
    pub const CHANNEL_MEMBERSHIP: &str = "channel_membership";
    /// A file's uploader until it is posted, then the members of a channel where it is.
    pub const FILE_READER: &str = "file_reader";
    /// The message's author (a delete also by the channel's owner or an admin).
    pub const MESSAGE_AUTHOR: &str = "message_author";
    /// The account in the path itself, or an admin.
    pub const ACCOUNT_OR_ADMIN: &str = "account_or_admin";
    /// The webhook's owner, or an admin.
    pub const WEBHOOK_MANAGER: &str = "webhook_manager";
    /// A member of the webhook's channel (a working hook: its owner, or an admin among them).
    pub const WEBHOOK_CHANNEL_MEMBER: &str = "webhook_channel_member";
    /// The ticket's requester, or the support team (others: 404).
    pub const TICKET_PARTY: &str = "ticket_party";
    /// The support team (the members of its channel) and admins.
    pub const SUPPORT_TEAM: &str = "support_team";
    /// Admins only.
    pub const ADMIN: &str = "admin";
}

/// The document's fixed parts; the paths come from the router.
#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Xerrada",
        description = "The HTTP API of a Xerrada chat server. docs/protocol.md explains each \
                       route; WebSocket frames are described there too.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    modifiers(&BearerAuth),
    components(schemas(ApiError)),
)]
pub struct ApiDoc;

/// The security schemes: a person's access token (a JWT from `/auth/login`) or a bot's
/// token, both as `Authorization: Bearer`.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A person's access token from POST /api/v1/auth/login, or a bot's \
                         token (xbot_…).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "metrics",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token of the configuration's [metrics] table."))
                    .build(),
            ),
        );
    }
}

/// The refusals any operation may answer, each with the `{"code","message"}` body.
#[derive(IntoResponses)]
pub enum Refusals {
    /// The request is malformed: a body, a parameter or a value the server does not accept.
    #[response(status = 400)]
    InvalidRequest(ApiError),
    /// No token, or a bad, expired or revoked one.
    #[response(status = 401)]
    Unauthorized(ApiError),
    /// The caller may not do this.
    #[response(status = 403)]
    Forbidden(ApiError),
    /// No such resource, or one the caller may not see.
    #[response(status = 404)]
    NotFound(ApiError),
    /// The method is not one of the route's.
    #[response(status = 405)]
    MethodNotAllowed(ApiError),
    /// The request conflicts with the current state (a name taken, an archived channel).
    #[response(status = 409)]
    Conflict(ApiError),
    /// The body is larger than the server's limit.
    #[response(status = 413)]
    TooLarge(ApiError),
    /// The body is not of a type this route reads (JSON routes need `application/json`).
    #[response(status = 415)]
    UnsupportedMediaType(ApiError),
    /// The JSON is well formed but not of the route's shape (a missing field, a wrong type).
    #[response(status = 422)]
    Unprocessable(ApiError),
    /// Over the caller's rate limit: the `Retry-After` header says when to try again.
    #[response(status = 429, headers(("Retry-After" = u64, description = "seconds to wait")))]
    RateLimited(ApiError),
    /// The store or another part the answer needs is unavailable for now.
    #[response(status = 503)]
    Unavailable(ApiError),
}

/// `GET /api/v1/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json")),
    extensions(("x-access" = json!(access::PUBLIC))),
)]
pub async fn document(Extension(document): Extension<Document>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document.0)
}

/// The serialized document, handed to [`document`] as a request extension.
#[derive(Clone)]
pub struct Document(Bytes);

impl Document {
    /// Serializes the document, with the server's rules for text written into its schemas
    /// (`constraints.rs`).
    pub fn new(openapi: &OpenApi) -> Self {
        // A document built from our own types always serializes; an empty body would only
        // mean a bug in a derive, which the e2e tests would see at once.
        let mut json = serde_json::to_value(openapi).unwrap_or_default();
        constraints::apply(&mut json);
        Document(Bytes::from(serde_json::to_vec(&json).unwrap_or_default()))
    }
}

/// Names each operation `<tag>_<handler>` (`pins_list`, `channels_list`): handlers of
/// different modules share names, and OpenAPI wants operation ids unique.
pub fn qualify_operation_ids(openapi: &mut OpenApi) {
    for item in openapi.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let tag = operation
                .tags
                .as_ref()
                .and_then(|tags| tags.first().cloned())
                .unwrap_or_default();
            if let Some(id) = operation.operation_id.as_mut()
                && !tag.is_empty()
                && !id.starts_with(&format!("{tag}_"))
            {
                *id = format!("{tag}_{id}");
            }
        }
    }
}

/// The document's fixed parts, with the Bot API's paths added.
pub fn base() -> OpenApi {
    let mut openapi = ApiDoc::openapi();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_string();
    add_bot_api(&mut openapi);
    openapi
}

/// The Telegram-compatible Bot API (`docs/telegram.md`): its paths are served by the router's
/// fallback, so they are described here. Answers follow Telegram's envelope
/// (`{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…}`), errors included.
fn add_bot_api(openapi: &mut OpenApi) {
    let envelope = || {
        ContentBuilder::new()
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new()
                    .property(
                        "ok",
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::schema::Type::Boolean),
                    )
                    .required("ok"),
            ))
            .build()
    };
    let token = || {
        ParameterBuilder::new()
            .name("token")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("the bot's token"))
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String),
            ))
            .build()
    };
    let string_param = |name: &str, description: &str| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some(description))
            .schema(Some(
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String),
            ))
            .build()
    };
    let telegram_answers = || {
        let mut responses = ResponsesBuilder::new();
        for (status, description) in [
            ("200", "the method's result"),
            ("400", "bad parameters"),
            ("401", "an unknown or revoked token"),
            ("403", "the bot may not do this"),
            ("404", "no such method or object"),
            ("409", "a webhook is set while getUpdates is called"),
            ("413", "a file larger than the limit"),
            (
                "429",
                "over the bot's rate limit; parameters.retry_after says when to retry",
            ),
        ] {
            responses = responses.response(
                status,
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", envelope()),
            );
        }
        responses
            .response(
                "405",
                ResponseBuilder::new()
                    .description("a method other than GET or POST")
                    .content("application/json", error_body()),
            )
            .build()
    };
    let method_call = |method: HttpMethod| {
        let operation = OperationBuilder::new()
            .operation_id(Some(format!("bot_api_{}", method_name(&method))))
            .tag("bot_api")
            .summary(Some(
                "A Telegram Bot API method (getMe, sendMessage, getUpdates, …)",
            ))
            .parameter(token())
            .parameter(string_param(
                "method",
                "the Bot API method, e.g. sendMessage",
            ))
            .responses(telegram_answers())
            .extensions(Some(access_extension(access::PUBLIC)))
            .build();
        PathItem::new(method, operation)
    };
    let mut call = method_call(HttpMethod::Get);
    call.post = method_call(HttpMethod::Post).post;
    openapi
        .paths
        .paths
        .insert("/bot{token}/{method}".into(), call);

    let file = OperationBuilder::new()
        .operation_id(Some("bot_api_file"))
        .tag("bot_api")
        .summary(Some(
            "A file the bot may read, at the file_path getFile gave (files/<file_id>)",
        ))
        .parameter(token())
        .parameter(string_param("file_id", "the file's id"))
        .responses(
            ResponsesBuilder::new()
                .response(
                    "200",
                    ResponseBuilder::new()
                        .description("the file's bytes")
                        .content("*/*", ContentBuilder::new().build()),
                )
                .response(
                    "206",
                    ResponseBuilder::new()
                        .description("a range of the file's bytes")
                        .content("*/*", ContentBuilder::new().build()),
                )
                .response(
                    "401",
                    ResponseBuilder::new()
                        .description("an unknown token")
                        .content("application/json", envelope()),
                )
                .response(
                    "404",
                    ResponseBuilder::new()
                        .description("no such file, or not the bot's to read")
                        .content("application/json", envelope()),
                )
                .response(
                    "405",
                    ResponseBuilder::new()
                        .description("a method other than GET")
                        .content("application/json", error_body()),
                )
                .response(
                    "416",
                    ResponseBuilder::new()
                        .description("a range outside the file")
                        .content("application/json", error_body()),
                )
                .build(),
        )
        .extensions(Some(access_extension(access::PUBLIC)))
        .build();
    openapi.paths.paths.insert(
        "/file/bot{token}/files/{file_id}".into(),
        PathItem::new(HttpMethod::Get, file),
    );
}

/// The `{code, message}` body, by reference.
fn error_body() -> utoipa::openapi::Content {
    ContentBuilder::new()
        .schema(Some(utoipa::openapi::Ref::from_schema_name("ApiError")))
        .build()
}

fn method_name(method: &HttpMethod) -> &'static str {
    match method {
        HttpMethod::Post => "post",
        _ => "get",
    }
}

fn access_extension(class: &str) -> utoipa::openapi::extensions::Extensions {
    utoipa::openapi::extensions::ExtensionsBuilder::new()
        .add("x-access", class)
        .build()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// `api::router` registers handlers only with `routes!`, which reads each handler's
    /// `#[utoipa::path]`; a plain `.route(…)`, `.route_service(…)` or `.nest_service(…)` would
    /// add a route the document does not know. (Tests build small routers of their own.)
    #[test]
    fn no_route_is_registered_outside_the_document() {
        let mut found = Vec::new();
        visit(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        assert!(
            found.is_empty(),
            "routes registered without an OpenAPI entry (use routes!): {found:#?}"
        );
    }

    fn visit(dir: &Path, found: &mut Vec<String>) {
        let entries = std::fs::read_dir(dir).expect("source folder");
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                visit(&path, found);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source file");
            // Unit tests at the end of a file may build throwaway routers.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (number, line) in code.lines().enumerate() {
                let line = line.trim_start();
                if line.starts_with("//") {
                    continue;
                }
                if [".route(", ".route_service(", ".nest_service("]
                    .iter()
                    .any(|call| line.contains(call))
                {
                    found.push(format!("{}:{}: {line}", path.display(), number + 1));
                }
            }
        }
    }
}
