// The Send API (§3.5): POST /{page-id}/messages, /{ig-account-id}/messages or /me/messages with
// a Page token, the 24-hour standard messaging window, and its errors.
//
// The window is measured from the last inbound message the sandbox knows of for the recipient:
// the webhook deliveries it generated (webhooks.cpp). A test opens a window by sending a
// delivery to any target and then messaging the sender (PSID 2490001000000001 for the first
// delivery of a batch); it closes one by moving the clock with POST /_sandbox/clock.
#include <algorithm>

#include "meta/state.hpp"
#include "server/crypto.hpp"

namespace connhost::sandbox::meta {
namespace {

constexpr int64_t kStandardWindow = 24 * 3600;
constexpr int64_t kHumanAgentWindow = 7 * 24 * 3600;

GraphError send_error(int code, std::optional<int> subcode, std::string message) {
  GraphError e;
  e.code = code;
  e.subcode = subcode;
  e.message = std::move(message);
  return e;
}

std::optional<json::object> object_param(const Params& p, const std::string& name) {
  auto v = p.get(name);
  if (!v) return std::nullopt;
  try {
    auto parsed = json::parse(*v);
    if (auto* o = parsed.if_object()) return *o;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

size_t utf8_length(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char ch) { return (static_cast<unsigned char>(ch) & 0xc0) != 0x80; }));
}

std::optional<std::string> string_at(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return std::nullopt;
}

}  // namespace

Response send_message(Call& c, const std::string& sender) {
  GraphError err;
  auto t = authenticate(c, err);
  if (!t) return error_response(err);
  // §3.5: a Page token with pages_messaging. /me resolves to the Page the token speaks for. On
  // /{page-id}/messages the sandbox also takes a user or system-user token that manages the Page
  // (the preissued token), so the demo needs one credential.
  std::string owner = sender == "me" ? t->subject : sender;
  bool page_token = t->kind == kPageToken;
  bool manager = (t->kind == kUserToken || t->kind == kSystemUserToken) && sender != "me";
  bool can_message =
      std::find(t->scopes.begin(), t->scopes.end(), "pages_messaging") != t->scopes.end();
  if (owner != kPageId && owner != kIgAccountId) {
    if (sender == "me" && t->kind != kPageToken)
      return error_response(
          send_error(230, std::nullopt,
                     "(#230) Requires pages_messaging permission to manage the "
                     "object. Send with a Page access token (GET /me/accounts)."));
    return error_response(unsupported_request("POST", sender));
  }
  if (!(page_token || manager) || !can_message)
    return error_response(send_error(
        230, std::nullopt, "(#230) Requires pages_messaging permission to manage the object"));
  bool ig = owner == kIgAccountId;

  const Params& p = c.params;
  auto recipient = object_param(p, "recipient");
  auto message = object_param(p, "message");
  std::string sender_action = p.get("sender_action").value_or("");
  std::string messaging_type = p.get("messaging_type").value_or("");
  std::string tag = p.get("tag").value_or("");
  if (!recipient || !string_at(*recipient, "id"))
    return error_response(invalid_param("(#100) param recipient must be non-empty."));
  std::string user = *string_at(*recipient, "id");
  if (message && !sender_action.empty())
    return error_response(invalid_param("(#100) sender_action cannot be combined with message"));
  if (!message && sender_action.empty())
    return error_response(invalid_param("(#100) Must send either message or sender_action"));

  int64_t last = -1;
  {
    std::lock_guard lock(c.st.mutex);
    if (auto it = c.st.last_inbound.find(owner + ":" + user); it != c.st.last_inbound.end())
      last = it->second;
  }
  if (last < 0) {
    return error_response(ig ? send_error(100, 2534014, "(#100) No matching Instagram user")
                             : send_error(100, 2018001, "(#100) No matching user found"));
  }

  if (!sender_action.empty()) {
    static const char* actions[] = {"mark_seen", "typing_on", "typing_off", "react", "unreact"};
    std::string lower = sender_action;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return std::tolower(ch); });
    if (std::find(std::begin(actions), std::end(actions), lower) == std::end(actions))
      return error_response(
          invalid_param("(#100) param sender_action must be one of {MARK_SEEN, "
                        "TYPING_ON, TYPING_OFF, REACT, UNREACT}"));
    return graph_json(json::object{{"recipient_id", user}});
  }

  static const char* types[] = {"RESPONSE", "UPDATE", "MESSAGE_TAG", "UTILITY"};
  if (std::find(std::begin(types), std::end(types), messaging_type) == std::end(types))
    return error_response(invalid_param(
        "(#100) param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, UTILITY}"));
  int64_t window = kStandardWindow;
  if (messaging_type == "MESSAGE_TAG") {
    if (tag.empty())
      return error_response(
          invalid_param("(#100) param tag is required for messaging_type MESSAGE_TAG"));
    // §3.5: since 27 Apr 2026 these three tags answer error 100.
    if (tag == "CONFIRMED_EVENT_UPDATE" || tag == "ACCOUNT_UPDATE" || tag == "POST_PURCHASE_UPDATE")
      return error_response(invalid_param("(#100) The tag " + tag + " is no longer supported"));
    if (tag != "HUMAN_AGENT")
      return error_response(invalid_param("(#100) param tag must be one of {HUMAN_AGENT}"));
    window = kHumanAgentWindow;
  }

  auto text = string_at(*message, "text");
  const json::value* attachment = message->if_contains("attachment");
  if (!text && !attachment)
    return error_response(invalid_param("(#100) param message must contain text or attachment"));
  if (text) {
    size_t len = ig ? text->size() : utf8_length(*text);
    size_t max = ig ? 1000 : 2000;
    if (len == 0 || len > max)
      return error_response(
          invalid_param("(#100) Length of param message[text] must be between 1 and " +
                        std::to_string(max) + (ig ? " bytes" : " characters")));
  }
  bool is_template = false;
  if (attachment) {
    static const char* kinds[] = {"audio", "file", "image", "template", "video"};
    const json::object* a = attachment->if_object();
    auto kind = a ? string_at(*a, "type") : std::nullopt;
    if (!kind || std::find(std::begin(kinds), std::end(kinds), *kind) == std::end(kinds) ||
        !a->if_contains("payload"))
      return error_response(invalid_param(
          "(#100) param message[attachment] must have a type in {audio, file, image, template, "
          "video} and a payload"));
    is_template = *kind == "template";
  }
  bool exempt = messaging_type == "UTILITY" && is_template;
  int64_t now = c.tokens().now();
  if (!exempt && now - last > window) {
    return error_response(
        ig ? send_error(10, 2534022, "(#10) This message is sent outside of allowed window.")
           : send_error(10, 2018278, "(#10) This message is sent outside of allowed window."));
  }
  std::string serial = c.st.next_id("", 12);
  std::string digest = sha256_base64url("sent|" + serial + "|" + user);
  std::string mid = ig ? "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOj" + digest.substr(0, 40)
                       : "m_" + digest + digest.substr(0, 20);
  return graph_json(json::object{{"recipient_id", user}, {"message_id", mid}});
}

}  // namespace connhost::sandbox::meta
