// The messaging API (issue #7, "Outbound"): conversations, their messages, replies through the
// outbox, message status, and attachments streamed from the platform. Under the API's auth like
// every /api route. No token, and no platform media URL, ever appears in an answer: attachments
// are fetched here with the connection's token and the plugin's headers and passed through.

#include <soci/soci.h>

#include <boost/json.hpp>

#include <algorithm>

#include "http/client.hpp"
#include "log/logger.hpp"
#include "outbox/enqueue.hpp"
#include "outbox/sender.hpp"
#include "plugin/call.hpp"
#include "server/errors.hpp"
#include "server/routes/routes.hpp"
#include "store/dynamic_query.hpp"
#include "store/session.hpp"
#include "store/timestamp.hpp"

namespace connhost::server {
namespace {

namespace json = boost::json;

// Larger answers are refused rather than held in memory (the request threads buffer a body).
constexpr size_t kMaxAttachmentBytes = 25u * 1024 * 1024;
constexpr size_t kPreviewChars = 140;

json::value nullable(const std::optional<std::string>& s) {
  return s ? json::value(*s) : json::value(nullptr);
}

int64_t id_param(const Request& req, std::string_view name, std::string_view what) {
  const std::string& raw = req.param(name);
  try {
    size_t used = 0;
    int64_t id = std::stoll(raw, &used);
    if (used == raw.size() && id > 0) return id;
  } catch (const std::exception&) {
  }
  throw BadParameter(name, "must be " + std::string(what) + " id (a positive integer)");
}

json::object body_object(const Request& req) {
  boost::system::error_code ec;
  auto v = json::parse(req.body, ec);
  if (ec || !v.is_object()) throw HttpError(400, "bad_body", "body: expected a JSON object");
  return std::move(v.as_object());
}

std::string string_field(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return {};
  if (!it->value().is_string()) throw BadParameter(key, "must be a string");
  return std::string(it->value().as_string());
}

// A preview is cut on a UTF-8 character boundary.
std::string preview(const std::string& text) {
  if (text.size() <= kPreviewChars) return text;
  size_t n = kPreviewChars;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n) + "…";
}

std::string message_columns(soci::session& sql) {
  return "m.id, m.conversation_id, m.platform_message_id, m.direction, m.type, m.text, "
         "m.sender_id, m.sender_name, " +
         store::timestamp_column(sql, "m.sent_at") + ", m.reply_to, " +
         store::timestamp_column(sql, "m.read_at") + ", m.status, m.attempts, " +
         store::timestamp_column(sql, "m.next_attempt_at") +
         ", m.error_category, m.error, m.media_id, m.image_url, " +
         store::timestamp_column(sql, "m.updated_at");
}

json::object message_at(const soci::row& r) {
  auto direction = store::text_at(r, 3);
  json::object m{{"id", store::int_at(r, 0)},
                 {"conversation_id", store::int_at(r, 1)},
                 {"platform_message_id", nullable(store::nullable_text_at(r, 2))},
                 {"direction", direction},
                 {"type", store::text_at(r, 4)},
                 {"text", nullable(store::nullable_text_at(r, 5))},
                 {"sender_id", store::text_at(r, 6)},
                 {"sender_name", nullable(store::nullable_text_at(r, 7))},
                 {"sent_at", store::text_at(r, 8)},
                 {"reply_to", nullable(store::nullable_text_at(r, 9))},
                 {"read_at", nullable(store::nullable_text_at(r, 10))},
                 {"status", store::text_at(r, 11)},
                 {"attempts", store::int_at(r, 12)},
                 {"next_attempt_at", nullable(store::nullable_text_at(r, 13))},
                 {"error_category", nullable(store::nullable_text_at(r, 14))},
                 {"error", nullable(store::nullable_text_at(r, 15))},
                 {"updated_at", store::text_at(r, 18)},
                 {"attachments", json::array()}};
  // What the business sent is its own to show; an inbound media id may be the platform's
  // (signed) URL, which stays on the server.
  if (direction == "out") {
    m["media_id"] = nullable(store::nullable_text_at(r, 16));
    m["image_url"] = nullable(store::nullable_text_at(r, 17));
  }
  return m;
}

// Adds each message's attachments, as links to GET /api/attachments/{id}.
void add_attachments(soci::session& sql, std::vector<json::object>& messages) {
  if (messages.empty()) return;
  std::map<int64_t, json::object*> by_id;
  std::vector<std::string> ids;
  for (auto& m : messages) {
    int64_t id = m.at("id").as_int64();
    by_id[id] = &m;
    ids.push_back(std::to_string(id));
  }
  store::DynamicQuery q;
  q.sql(
       "SELECT id, message_id, kind, mime_type, size_bytes, name FROM attachments WHERE "
       "message_id IN ")
      .bind_list(ids)
      .sql(" ORDER BY id");
  q.each(sql, [&](const soci::row& r) {
    int64_t id = store::int_at(r, 0);
    auto it = by_id.find(store::int_at(r, 1));
    if (it == by_id.end()) return;
    auto size = store::nullable_text_at(r, 4);
    it->second->at("attachments")
        .as_array()
        .push_back(
            {{"id", id},
             {"kind", store::text_at(r, 2)},
             {"mime_type", nullable(store::nullable_text_at(r, 3))},
             {"size_bytes", r.get_indicator(4) == soci::i_null ? json::value(nullptr)
                                                               : json::value(store::int_at(r, 4))},
             {"name", nullable(store::nullable_text_at(r, 5))},
             {"url", "/api/attachments/" + std::to_string(id)}});
  });
}

std::vector<json::object> load_messages(soci::session& sql, store::DynamicQuery& q) {
  std::vector<json::object> out;
  q.each(sql, [&](const soci::row& r) { out.push_back(message_at(r)); });
  add_attachments(sql, out);
  return out;
}

std::optional<json::object> load_message(soci::session& sql, int64_t id) {
  store::DynamicQuery q;
  q.sql("SELECT " + message_columns(sql) + " FROM messages m WHERE m.id = ")
      .bind(std::to_string(id));
  auto all = load_messages(sql, q);
  if (all.empty()) return std::nullopt;
  return std::move(all[0]);
}

struct ConversationFilter {
  std::optional<int64_t> id;
  std::optional<std::string> connection, platform, q;
  bool unread_only = false;
};

void where(store::DynamicQuery& q, const ConversationFilter& f) {
  q.sql(" WHERE 1 = 1");
  if (f.id) q.sql(" AND c.id = ").bind(std::to_string(*f.id));
  if (f.connection) q.sql(" AND c.connection = ").bind(*f.connection);
  if (f.platform) q.sql(" AND c.platform = ").bind(*f.platform);
  if (f.unread_only) q.sql(" AND c.unread > 0");
  if (f.q) {
    auto p = store::like_pattern(*f.q);
    q.sql(" AND (LOWER(COALESCE(ct.display_name, '')) LIKE ")
        .bind(p)
        .sql(" ESCAPE '\\' OR LOWER(COALESCE(ci.display_name, '')) LIKE ")
        .bind(p)
        .sql(" ESCAPE '\\' OR LOWER(c.participant_id) LIKE ")
        .bind(p)
        .sql(
            " ESCAPE '\\' OR LOWER(COALESCE((SELECT mn.sender_name FROM messages mn WHERE "
            "mn.conversation_id = c.id AND mn.direction = 'in' AND mn.sender_name IS NOT NULL "
            "ORDER BY mn.sent_at DESC, mn.id DESC LIMIT 1), '')) LIKE ")
        .bind(p)
        .sql(" ESCAPE '\\')");
  }
}

constexpr std::string_view kConversationFrom =
    " FROM conversations c LEFT JOIN contacts ct ON ct.id = c.contact_id LEFT JOIN "
    "contact_identities ci ON ci.platform = c.platform AND ci.platform_user_id = "
    "c.participant_id";

struct MessagingRoutes {
  ServerContext& ctx;
  std::shared_ptr<http::Client> media_http = [] {
    http::ClientOptions o;
    o.max_response_bytes = kMaxAttachmentBytes;
    return std::make_shared<http::Client>(o);
  }();

  std::vector<json::object> conversations(soci::session& sql, const ConversationFilter& f,
                                          int64_t limit, int64_t offset) const {
    store::DynamicQuery q;
    q.sql(
        "SELECT c.id, c.connection, c.platform, c.account_id, c.thread_id, c.participant_id, "
        "c.contact_id, " +
        store::timestamp_column(sql, "c.last_activity_at") + ", " +
        store::timestamp_column(sql, "c.last_inbound_at") + ", " +
        store::timestamp_column(sql, "c.window_closes_at") +
        ", c.unread, ct.display_name, ci.display_name, (SELECT mn.sender_name FROM messages "
        "mn WHERE mn.conversation_id = c.id AND mn.direction = 'in' AND mn.sender_name IS NOT "
        "NULL ORDER BY mn.sent_at DESC, mn.id DESC LIMIT 1), (SELECT ml.id FROM messages ml "
        "WHERE ml.conversation_id = c.id ORDER BY ml.sent_at DESC, ml.id DESC LIMIT 1)");
    q.sql(kConversationFrom);
    where(q, f);
    q.sql(" ORDER BY c.last_activity_at DESC, c.id DESC LIMIT " + std::to_string(limit) +
          " OFFSET " + std::to_string(offset));
    auto now = ctx.now();
    std::vector<json::object> out;
    std::vector<int64_t> last_ids;
    q.each(sql, [&](const soci::row& r) {
      outbox::Conversation c;
      c.id = store::int_at(r, 0);
      c.platform = store::text_at(r, 2);
      auto window = store::nullable_text_at(r, 9);
      if (window) c.window_closes_at = store::parse_timestamp(*window);
      auto why = outbox::window_closed_reason(c, now);
      auto contact = store::nullable_text_at(r, 11);
      auto participant = store::nullable_text_at(r, 12);
      if (!participant) participant = store::nullable_text_at(r, 13);
      out.push_back(
          {{"id", c.id},
           {"connection", store::text_at(r, 1)},
           {"platform", c.platform},
           {"account_id", store::text_at(r, 3)},
           {"thread_id", store::text_at(r, 4)},
           {"participant_id", store::text_at(r, 5)},
           {"participant_name", nullable(participant)},
           {"contact_id", r.get_indicator(6) == soci::i_null ? json::value(nullptr)
                                                             : json::value(store::int_at(r, 6))},
           {"contact_name", nullable(contact)},
           {"last_activity_at", store::text_at(r, 7)},
           {"last_inbound_at", nullable(store::nullable_text_at(r, 8))},
           {"window_closes_at", nullable(window)},
           {"unread", store::int_at(r, 10)},
           {"can_reply", !why},
           {"window_reason", nullable(why)},
           {"last_message", nullptr}});
      last_ids.push_back(r.get_indicator(14) == soci::i_null ? 0 : store::int_at(r, 14));
    });
    std::vector<std::string> ids;
    for (auto id : last_ids)
      if (id) ids.push_back(std::to_string(id));
    if (!ids.empty()) {
      store::DynamicQuery lq;
      lq.sql("SELECT id, direction, type, text, " + store::timestamp_column(sql, "sent_at") +
             ", status FROM messages WHERE id IN ")
          .bind_list(ids);
      std::map<int64_t, json::object> last;
      lq.each(sql, [&](const soci::row& r) {
        last[store::int_at(r, 0)] = {
            {"id", store::int_at(r, 0)},       {"direction", store::text_at(r, 1)},
            {"type", store::text_at(r, 2)},    {"preview", preview(store::text_at(r, 3))},
            {"sent_at", store::text_at(r, 4)}, {"status", store::text_at(r, 5)}};
      });
      for (size_t i = 0; i < out.size(); ++i)
        if (auto it = last.find(last_ids[i]); it != last.end()) out[i]["last_message"] = it->second;
    }
    return out;
  }

  json::object conversation(soci::session& sql, int64_t id) const {
    ConversationFilter f;
    f.id = id;
    auto all = conversations(sql, f, 1, 0);
    if (all.empty()) throw NotFound("no conversation " + std::to_string(id));
    return std::move(all[0]);
  }

  Response list(const Request& req) const {
    ConversationFilter f;
    f.connection = req.query("connection");
    f.platform = req.query("platform");
    f.unread_only = req.query("unread").value_or("false") == "true";
    if (auto q = req.query("q"); q && !q->empty()) f.q = *q;
    int64_t limit = req.query_int("limit").value_or(50);
    int64_t offset = req.query_int("offset").value_or(0);
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    store::DynamicQuery count;
    count.sql("SELECT COUNT(*)");
    count.sql(kConversationFrom);
    where(count, f);
    int64_t total = count.scalar_int(sql);
    json::array items;
    for (auto& c : conversations(sql, f, limit, offset)) items.push_back(std::move(c));
    return json_response(200, json::object{{"conversations", std::move(items)},
                                           {"total", total},
                                           {"limit", limit},
                                           {"offset", offset}});
  }

  Response get(const Request& req) const {
    int64_t id = id_param(req, "id", "a conversation");
    auto lease = ctx.stores.acquire();
    return json_response(200, json::object{{"conversation", conversation(lease->session(), id)}});
  }

  Response messages(const Request& req) const {
    int64_t id = id_param(req, "id", "a conversation");
    int64_t limit = req.query_int("limit").value_or(50);
    auto before = req.query("before");
    auto after = req.query("after");
    for (auto& [name, v] : {std::pair{"before", before}, std::pair{"after", after}})
      if (v && !store::parse_timestamp(*v))
        throw BadParameter(name, "must be a UTC timestamp like 2026-11-22T18:53:13.123Z");
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    conversation(sql, id);  // 404 for an unknown one
    store::DynamicQuery q;
    q.sql("SELECT " + message_columns(sql) + " FROM messages m WHERE m.conversation_id = ")
        .bind(std::to_string(id));
    // Bound as the store's text, so both backends compare times (PostgreSQL casts it).
    if (before)
      q.sql(" AND m.sent_at < ").bind(store::timestamp_at(*store::parse_timestamp(*before)));
    if (after)
      q.sql(" AND m.sent_at > ").bind(store::timestamp_at(*store::parse_timestamp(*after)));
    // The newest page first from the database, then shown oldest first like a chat.
    q.sql(" ORDER BY m.sent_at DESC, m.id DESC LIMIT " + std::to_string(limit + 1));
    auto rows = load_messages(sql, q);
    bool more = static_cast<int64_t>(rows.size()) > limit;
    if (more) rows.pop_back();
    std::reverse(rows.begin(), rows.end());
    json::array items;
    for (auto& m : rows) items.push_back(std::move(m));
    json::value next = nullptr;
    if (more && !items.empty()) next = items.front().at("sent_at");
    return json_response(
        200,
        json::object{{"messages", std::move(items)}, {"has_more", more}, {"next_before", next}});
  }

  Response send(const Request& req) const {
    int64_t id = id_param(req, "id", "a conversation");
    auto body = body_object(req);
    outbox::Reply reply;
    reply.type = string_field(body, "type");
    reply.text = string_field(body, "text");
    reply.media_id = string_field(body, "media_id");
    reply.image_url = string_field(body, "image_url");
    reply.reply_to = string_field(body, "reply_to");
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    if (auto c = outbox::find_conversation(sql, id); c && !ctx.config.connection(c->connection))
      return error_response(422, "connection_unknown",
                            "connection " + c->connection +
                                " is not configured on this server, so nothing can be sent on it");
    int64_t message = 0;
    try {
      message = outbox::enqueue(sql, id, reply, ctx.now());
    } catch (const outbox::EnqueueError& e) {
      if (e.status() == 400) throw BadParameter(e.field(), e.what() + e.field().size() + 2);
      return error_response(e.status(), e.code(), e.what());
    }
    if (ctx.sender) ctx.sender->wake();
    auto m = load_message(sql, message);
    return json_response(202, json::object{{"message", *m}});
  }

  Response message(const Request& req) const {
    int64_t id = id_param(req, "id", "a message");
    auto lease = ctx.stores.acquire();
    auto m = load_message(lease->session(), id);
    if (!m) throw NotFound("no message " + std::to_string(id));
    return json_response(200, json::object{{"message", *m}});
  }

  Response read(const Request& req) const {
    int64_t id = id_param(req, "id", "a conversation");
    auto lease = ctx.stores.acquire();
    auto& sql = lease->session();
    long long cid = id;
    sql << "UPDATE conversations SET unread = 0 WHERE id = :id", soci::use(cid);
    return json_response(200, json::object{{"conversation", conversation(sql, id)}});
  }

  Response attachment(const Request& req) const {
    int64_t id = id_param(req, "id", "an attachment");
    plugin::MediaRequest media;
    std::string connection, mime;
    {
      auto lease = ctx.stores.acquire();
      auto& sql = lease->session();
      store::DynamicQuery q;
      q.sql(
           "SELECT a.kind, a.media_id, a.url, a.mime_type, m.platform_message_id, m.media_id, "
           "c.connection, c.account_id, c.thread_id FROM attachments a JOIN messages m ON m.id = "
           "a.message_id JOIN conversations c ON c.id = m.conversation_id WHERE a.id = ")
          .bind(std::to_string(id));
      bool found = false;
      q.each(sql, [&](const soci::row& r) {
        found = true;
        media.media_type = store::text_at(r, 0);
        media.media_id = store::text_at(r, 1);
        if (media.media_id.empty()) media.media_id = store::text_at(r, 2);
        if (media.media_id.empty()) media.media_id = store::text_at(r, 5);
        mime = store::text_at(r, 3);
        media.message_id = store::text_at(r, 4);
        connection = store::text_at(r, 6);
        media.account_id = store::text_at(r, 7);
        media.conversation_id = store::text_at(r, 8);
      });
      if (!found) throw NotFound("no attachment " + std::to_string(id));
    }
    if (!ctx.config.connection(connection))
      return error_response(422, "connection_unknown",
                            "connection " + connection + " is not configured on this server");
    pipeline::ConnectionSetup setup;
    try {
      setup = pipeline::setup_connection(ctx.config, ctx.plugins, connection,
                                         ctx.http ? ctx.http : media_http, ctx.grants);
    } catch (const std::invalid_argument& e) {
      return error_response(422, "connection_unavailable", e.what());
    }
    try {
      if (auto t = setup.settings.secret("access_token")) media.access_token = *t;
    } catch (const plugin::SecretError& e) {
      return error_response(502, "platform_" + std::string(plugin::category_name(e.category())),
                            std::string("access_token: ") + e.what());
    }
    auto [inst, err] = plugin::Instance::create(setup.plugin, setup.settings);
    if (err)
      return error_response(502, "platform_" + std::string(plugin::category_name(err->category)),
                            err->message);
    auto where = inst->media_url(media);
    if (where.error)
      return error_response(502,
                            "platform_" + std::string(plugin::category_name(where.error->category)),
                            where.error->message);
    http::Request get{"GET", where.url};
    get.headers = where.headers;
    http::Response got;
    try {
      got = media_http->send(get);
    } catch (const http::TransportError& e) {
      // The message names the host at most; the URL (which may be signed) stays in the log.
      std::string what = e.what();
      if (what.find("exceeds") != std::string::npos)
        return error_response(502, "attachment_too_large",
                              "attachment too large: the platform's file is over " +
                                  std::to_string(kMaxAttachmentBytes / (1024 * 1024)) + " MiB");
      log::warn("attachment {}: fetching the media failed: {}", id, what);
      return error_response(502, "platform_unreachable",
                            "fetching the attachment from the platform failed");
    } catch (const std::invalid_argument&) {
      return error_response(502, "platform_data", "the platform gave no usable media URL");
    }
    if (got.status != 200)
      return error_response(
          502, "platform_status",
          "the platform answered HTTP " + std::to_string(got.status) + " for the attachment");
    Response out;
    out.status = 200;
    std::string type = std::string(got.header("Content-Type").value_or(""));
    if (type.empty()) type = !where.content_type.empty() ? where.content_type : mime;
    out.content_type = type.empty() ? "application/octet-stream" : type;
    out.body = std::move(got.body);
    out.headers = {{"Cache-Control", "private, max-age=300"},
                   {"X-Content-Type-Options", "nosniff"},
                   {"Content-Disposition", "inline"}};
    return out;
  }
};

}  // namespace

void add_messaging_routes(Router& router, ServerContext& ctx) {
  auto routes = std::make_shared<MessagingRoutes>(MessagingRoutes{ctx});
  const std::string tag = "messaging";
  router.add({.method = "GET",
              .pattern = "/api/conversations",
              .summary = "Conversations, most recent activity first",
              .description =
                  "{\"conversations\": [{id, connection, platform, account_id, thread_id, "
                  "participant_id, participant_name, contact_id, contact_name, last_activity_at, "
                  "last_inbound_at, window_closes_at, unread, can_reply, window_reason, "
                  "last_message: {id, direction, type, preview, sent_at, status} or null}], "
                  "total, limit, offset}. can_reply is false once the platform's reply window "
                  "(Meta 24 h, TikTok 48 h after the user's last message) has closed; "
                  "window_reason then says so.",
              .query = {{.name = "connection", .description = "only this connection's"},
                        {.name = "platform", .description = "only this platform's (tiktok, meta)"},
                        {.name = "unread", .type = "boolean", .description = "true: only unread"},
                        {.name = "q",
                         .description = "a part of the participant's or contact's name or id "
                                        "(case-insensitive)"},
                        {.name = "limit",
                         .type = "integer",
                         .description = "at most this many (default 50)",
                         .minimum = 1,
                         .maximum = 200},
                        {.name = "offset",
                         .type = "integer",
                         .description = "skip this many (default 0)",
                         .minimum = 0}},
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->list(r); }});
  router.add({.method = "GET",
              .pattern = "/api/conversations/{id}",
              .summary = "One conversation",
              .description = "{\"conversation\": {...}} as in the list. 404 unknown.",
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->get(r); }});
  router.add(
      {.method = "GET",
       .pattern = "/api/conversations/{id}/messages",
       .summary = "A conversation's messages, a page at a time by sent_at",
       .description =
           "{\"messages\": [...oldest first], has_more, next_before}: the newest `limit` "
           "messages sent before `before` (and after `after`); pass next_before as "
           "`before` for the page before. A message: {id, conversation_id, "
           "platform_message_id, direction in|out, type, text, sender_id, sender_name, "
           "sent_at, reply_to, read_at, status received|queued|sending|sent|dead, "
           "attempts, next_attempt_at, error_category, error, updated_at, attachments: "
           "[{id, kind, mime_type, size_bytes, name, url}]} (outbound ones also media_id, "
           "image_url). An attachment's url is GET /api/attachments/{id}.",
       .query = {{.name = "before", .description = "only messages sent before this UTC time"},
                 {.name = "after", .description = "only messages sent after this UTC time"},
                 {.name = "limit",
                  .type = "integer",
                  .description = "at most this many (default 50)",
                  .minimum = 1,
                  .maximum = 200}},
       .tag = tag,
       .handler = [routes](const Request& r) { return routes->messages(r); }});
  router.add({.method = "POST",
              .pattern = "/api/conversations/{id}/messages",
              .summary = "Queue a reply (JSON body) for the sender",
              .description =
                  "Body {type: text|image, text, media_id, image_url, reply_to}: a text, or an "
                  "image by the platform's media id or an http(s) URL; reply_to is the platform "
                  "message id answered. 202 {\"message\": {..., status: queued}}; follow it with "
                  "GET /api/messages/{id}. 400 bad_parameter naming the field, 404 unknown "
                  "conversation, 422 window_closed (the platform's reply window has closed; the "
                  "message says which and when) or connection_unknown. The platform's own limits "
                  "(text length, image format) end the message as dead with category data.",
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->send(r); }});
  router.add({.method = "GET",
              .pattern = "/api/messages/{id}",
              .summary = "One message and its delivery status",
              .description = "{\"message\": {...}} as in a conversation's messages: for a reply, "
                             "status queued|sending|sent|dead, attempts, next_attempt_at, "
                             "error_category and error (the platform's message) when it failed, "
                             "platform_message_id once sent. 404 unknown.",
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->message(r); }});
  router.add({.method = "POST",
              .pattern = "/api/conversations/{id}/read",
              .summary = "Mark a conversation read (unread = 0)",
              .description = "{\"conversation\": {...}}. 404 unknown.",
              .tag = tag,
              .handler = [routes](const Request& r) { return routes->read(r); }});
  router.add(
      {.method = "GET",
       .pattern = "/api/attachments/{id}",
       .summary = "An attachment's bytes, fetched from the platform",
       .description =
           "Asks the connection's plugin where the media is (with the connection's token), "
           "fetches it with the headers the plugin names and answers the bytes with the "
           "platform's Content-Type and Cache-Control: private. Neither the token nor the "
           "platform's URL reaches the client. 404 unknown, 502 attachment_too_large (over 25 "
           "MiB) or platform_<category> when the platform refuses or fails.",
       .tag = tag,
       .handler = [routes](const Request& r) { return routes->attachment(r); }});
}

}  // namespace connhost::server
