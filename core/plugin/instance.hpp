#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "plugin/call.hpp"
#include "plugin/plugin.hpp"
#include "plugin/row_buffer.hpp"

namespace connhost::plugin {

// A failed plugin call as the host sees it: the plugin's category, retry-after and message.
struct PluginError {
  ch_error_category category = CH_ERROR_INTERNAL;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string message;
  std::string to_string() const;
};

std::string_view category_name(int32_t category);

// The login capability's requests and records (abi.h, "Capability: login").
struct AuthorizeRequest {
  std::string redirect_uri;
  std::string state;
  std::string code_challenge;         // empty: no PKCE
  std::string code_challenge_method;  // "S256", or the platform's own
  std::vector<std::string> scopes;    // empty: the connector's defaults
};

struct TokenRequest {
  std::string code;           // exchange_code
  std::string redirect_uri;   // exchange_code
  std::string code_verifier;  // exchange_code, with PKCE
  std::string refresh_token;  // refresh
  std::string access_token;   // revoke, user_info (and Meta's refresh)
};

// A "token" record. Times are seconds from now as the platform gave them; absent when the
// platform gave none (a token that does not expire, or no refresh token).
struct TokenRecord {
  std::string access_token;
  std::string refresh_token;  // empty: none came back (keep the old one)
  std::optional<int64_t> expires_in;
  std::optional<int64_t> refresh_expires_in;
  std::string scope;  // comma-separated
  std::string token_type;
  std::string platform_user_id;
  std::map<std::string, std::string> extras;  // every other field, e.g. advertiser_ids
};

// A "user" record.
struct UserRecord {
  std::string platform_user_id;
  std::string display_name;
  std::string avatar_url;
  std::string email;
  std::map<std::string, std::string> extras;
};

// The messaging capability's requests and records (abi.h, "Capability: messaging").
struct WebhookRequest {
  std::string method;  // "GET" (handshake) or "POST"
  std::string query;   // raw, without '?'
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // the exact bytes received
  int64_t now_ms = 0;
  int64_t tolerance_ms = 5 * 60 * 1000;
};

// One normalized event of a delivery (a "message" record). Times are UTC milliseconds.
struct MessageEvent {
  std::string event_id;         // the platform's event or message id: the dedupe key
  std::string event_type;       // e.g. im_receive_msg, message, message_echo, read
  std::string account_id;       // the business account (TikTok business_id, Meta page/IG id)
  std::string conversation_id;  // the platform's thread id (Meta: the counterpart's id)
  std::string message_id;
  std::string sender_id;
  std::string recipient_id;
  std::string direction;  // "in" | "out"
  int64_t timestamp_ms = 0;
  std::string type;  // text|image|video|audio|file|sticker|share|template|unsupported|read
  std::string text;
  std::string media_id;  // or the attachment's URL (Meta)
  std::string reply_to;
  std::map<std::string, std::string> extras;  // e.g. mime_type, sender_name, watermark_ms
};

struct SendRequest {
  std::string access_token;
  std::string account_id;
  std::string conversation_id;
  std::string recipient_id;
  std::string type;  // "text" | "image"
  std::string text;
  std::string media_id;  // an uploaded media id, or an image URL
  std::string reply_to_message_id;
};

struct MediaRequest {
  std::string access_token;
  std::string account_id;
  std::string conversation_id;
  std::string message_id;
  std::string media_id;  // or URL
  std::string media_type;
};

// The profile capability's request and record (abi.h, "Capability: profile").
struct ProfileRequest {
  std::string access_token;
  std::string platform_user_id;     // empty: the token's own user
  std::vector<std::string> scopes;  // the granted scopes
};

// A "profile" record. Counts are absent when the platform (or the grant) gave none.
struct ProfileRecord {
  std::string platform_user_id;
  std::string display_name;
  std::string avatar_url;
  std::optional<int64_t> follower_count;
  std::optional<int64_t> following_count;
  std::string business_category;
  std::string shop_url;
  std::string region;
  std::map<std::string, std::string> extras;  // every other field, e.g. username, email
};

using SecretFn = std::function<std::optional<std::string>(std::string_view key)>;

// An operation of the plugin ABI, named so that it can run in another process (core/isolation).
enum class Op : uint8_t {
  create = 1,  // request: ch_config
  check,       // request: none
  read,        // ch_read_request
  authorize_url,
  exchange_code,
  refresh,
  revoke,
  user_info,  // ch_authorize_request, then ch_token_request
  handshake,
  verify,
  parse_events,  // ch_webhook_request
  send,          // ch_send_request
  media_url,     // ch_media_request
  profile_fetch,
  profile_required_scopes,  // ch_profile_request, then none
};

// A plugin run out of process (isolation = "process", core/isolation). Instance hands it every
// operation with the ch_call the in-process plugin would have got; the call's services (secrets,
// HTTP, rows and checkpoints, outputs) are served on that call while the operation runs.
class Isolated {
 public:
  virtual ~Isolated() = default;
  // `request` points at the operation's ch_*_request (see Op); a failure fills `err`, including
  // a worker that died or hung during the call.
  virtual ch_status invoke(Op op, const void* request, ch_call& call, ch_error& err) = 0;
};

// One configured connection of a plugin: owns the plugin's ch_instance and destroys it on
// destruction. Keeps the plugin's library loaded while it lives.
class Instance {
 public:
  struct Settings {
    std::string connection;
    std::vector<std::pair<std::string, std::string>> values;  // non-secret, canonical text
    SecretFn secret;
    std::shared_ptr<http::Client> http;              // shared by the host's connections
    std::shared_ptr<http::RateLimiter> limiter;      // this connection's request rate; may be null
    std::shared_ptr<std::atomic<int64_t>> requests;  // counts HTTP requests; may be null
    // Set for a connection with isolation = "process": makes the out-of-process runner of the
    // plugin. Empty: the plugin runs in this process.
    std::function<std::unique_ptr<Isolated>(const std::shared_ptr<const LoadedPlugin>&,
                                            const std::string& connection)>
        isolate;
  };

  static std::pair<std::unique_ptr<Instance>, std::optional<PluginError>> create(
      std::shared_ptr<const LoadedPlugin> plugin, Settings settings);
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  std::optional<PluginError> check();

  struct ReadResult {
    std::vector<Row> rows;
    std::vector<RowBuffer::Checkpoint> checkpoints;
    std::optional<PluginError> error;
  };
  // Without a sink the rows and checkpoints come back in the result; with one, each checkpoint
  // hands its rows to the sink as the read goes and the result holds only what followed the last
  // checkpoint (rows a failed read never checkpointed, which the caller discards).
  ReadResult read(std::string_view stream, std::string_view window_start,
                  std::string_view window_end, std::string_view state,
                  std::string_view account = {}, RowBuffer::Sink sink = {});

  // Login (OAuth 2.0 authorization code). A plugin without the login capability answers a
  // config error. Every token, code and verifier passing through here, in either direction, is
  // registered with the log masker before anything else can print it.
  struct AuthorizeResult {
    std::string url;
    std::optional<PluginError> error;
  };
  struct TokenResult {
    TokenRecord token;
    std::optional<PluginError> error;
  };
  struct UserResult {
    UserRecord user;
    std::optional<PluginError> error;
  };
  AuthorizeResult authorize_url(const AuthorizeRequest& request);
  TokenResult exchange_code(const TokenRequest& request);
  TokenResult refresh(const TokenRequest& request);
  std::optional<PluginError> revoke(const TokenRequest& request);
  UserResult user_info(const TokenRequest& request);

  // Messaging (webhooks in, messages out). A plugin without the capability answers
  // not_implemented. Implemented in instance_messaging.cpp.
  struct HandshakeResult {
    int status = 0;
    std::string body;
    std::optional<PluginError> error;
  };
  struct EventsResult {
    std::vector<MessageEvent> events;
    std::optional<PluginError> error;
  };
  struct SendResult {
    std::string message_id;
    std::optional<PluginError> error;
  };
  // Where the media can be fetched (a short-lived URL), and what it is.
  struct MediaResult {
    std::string url;
    std::string content_type;
    std::optional<PluginError> error;
    // Headers the fetch of `url` must send (the record's "header:<name>" fields), e.g. TikTok's
    // x-user with the access token. They may hold secrets: never hand them to a browser.
    std::vector<std::pair<std::string, std::string>> headers;
  };
  HandshakeResult handshake(const WebhookRequest& request);
  // auth error: a bad signature or a stale timestamp.
  std::optional<PluginError> verify(const WebhookRequest& request);
  EventsResult parse_events(const WebhookRequest& request);
  SendResult send(const SendRequest& request);
  MediaResult media_url(const MediaRequest& request);

  // Profile (one "profile" record). A plugin without the capability answers not_implemented,
  // with the plugin's reason when it gave one. Implemented in instance_profile.cpp.
  struct ProfileResult {
    ProfileRecord profile;
    // The businesses the grant manages, as profiles of their own (ABI 1.2: records of kind
    // "business_profile", same keys): a Meta user's Pages and Instagram business accounts. Each
    // becomes a contact of its own.
    std::vector<ProfileRecord> businesses;
    std::optional<PluginError> error;
  };
  ProfileResult fetch_profile(const ProfileRequest& request);
  // The scopes a profile fetch needs (ABI 1.2, ch_profile_v1.required_scopes), so that the host
  // can refuse a grant without them and name what is missing. Empty when the plugin does not say
  // (an ABI 1.1 plugin) or needs none.
  struct ScopesResult {
    std::vector<std::string> scopes;
    std::optional<PluginError> error;
  };
  ScopesResult profile_required_scopes();

  const LoadedPlugin& plugin() const { return *plugin_; }
  bool isolated() const { return isolated_ != nullptr; }

 private:
  Instance(std::shared_ptr<const LoadedPlugin> plugin, Settings settings)
      : plugin_(std::move(plugin)), settings_(std::move(settings)) {}
  ch_call make_call() const;
  // Runs one plugin operation: `in_process` here, or the same operation in the worker process.
  template <class F>
  ch_status invoke(Op op, const void* request, ch_call& call, ch_error& err, F&& in_process);
  using LoginFn = ch_status (*)(ch_instance*, ch_call*, const ch_token_request*, ch_error*);
  // Runs one token operation; the records it output land in `call.outputs`.
  std::optional<PluginError> token_call(LoginFn fn, std::string_view name,
                                        const TokenRequest& request, ch_call& call);
  TokenResult token_result(LoginFn fn, std::string_view name, const TokenRequest& request);

  std::shared_ptr<const LoadedPlugin> plugin_;
  Settings settings_;
  ch_instance* handle_ = nullptr;
  std::unique_ptr<Isolated> isolated_;  // set: the plugin runs in a worker process
};

}  // namespace connhost::plugin
