/*
 * connhost plugin ABI: the one contract between the connhost host and a connector plugin.
 *
 * Plain C on purpose: a plugin built with another compiler or C++ standard library must load.
 * Nothing here is a C++ type, nothing throws, and no memory is ever freed on the other side of
 * the line from where it was allocated.
 *
 * VERSIONING
 *   CONNHOST_ABI_MAJOR changes only when an existing field or function changes meaning; the host
 *   refuses a plugin of another major. CONNHOST_ABI_MINOR grows when something is appended: a
 *   field at the end of a struct, a function at the end of a table. Nothing is ever reordered or
 *   removed. Every struct that may grow begins with `struct_size`, so either side can be newer:
 *   a reader looks only at fields that lie inside the writer's struct_size (see CH_HAS_FIELD).
 *   The host loads a plugin built against the same major and a minor equal to or older than its
 *   own; a plugin whose minor is newer than the host's is refused, since it may rely on services
 *   the host does not have.
 *
 * ENTRY POINT
 *   Each plugin library exports exactly one symbol, CONNHOST_ENTRY_SYMBOL, of type
 *   ch_plugin_entry_fn. The host calls it once after loading, with its services table, and gets
 *   back the plugin's descriptor (or NULL and a filled ch_error).
 *
 * OWNERSHIP AND LIFETIME
 *   - The descriptor and everything it points to (strings, schema, stream definitions, capability
 *     tables) are owned by the plugin and must stay valid and unchanged until the library is
 *     unloaded. In practice: static storage.
 *   - ch_str values passed by the host into a plugin function are valid only until that function
 *     returns. Copy what you keep.
 *   - ch_str values passed by the plugin into a host service are copied by the host before the
 *     service returns.
 *   - Results flow from plugin to host only through host services (row appender, outputs,
 *     checkpoint), so the plugin never returns memory the host would have to free.
 *   - A ch_http_response filled by the host stays valid until the next http_request on the same
 *     call, or until the plugin function that received the call returns, whichever is first.
 *   - ch_error is owned by the caller; the callee fills it on failure.
 *
 * THREADING
 *   - The entry point and instance_create/instance_destroy are never called concurrently with
 *     anything else on the same library.
 *   - Different instances may be used from different threads at the same time.
 *   - One instance may receive concurrent calls from different threads (a webhook while a sync
 *     runs); each such call has its own ch_call. Instance state shared between calls must be
 *     guarded by the plugin, or kept immutable after instance_create.
 *   - A ch_call is used by one thread at a time and is invalid after the plugin function that
 *     received it returns.
 *   - Host services are thread-safe.
 *
 * ERRORS
 *   Every plugin function returns CH_OK or CH_FAILED. On CH_FAILED the plugin has filled the
 *   ch_error it was given: a category (which tells the host whether to retry, back off or ask a
 *   human), a retry-after in milliseconds where the platform said one, and a message the host logs
 *   and shows. A plugin must never let a C++ exception or longjmp cross this boundary.
 */
#ifndef CONNHOST_ABI_H
#define CONNHOST_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CONNHOST_ABI_MAJOR 1
#define CONNHOST_ABI_MINOR 3

/* The single exported symbol of a plugin library. */
#define CONNHOST_ENTRY_SYMBOL "connhost_plugin_entry"

#if defined(_WIN32)
#define CONNHOST_EXPORT __declspec(dllexport)
#else
#define CONNHOST_EXPORT __attribute__((visibility("default")))
#endif

/* True when `field` of struct pointer `p` lies inside the struct size the writer declared. */
#define CH_HAS_FIELD(p, type, field) \
  ((p)->struct_size >= offsetof(type, field) + sizeof(((type*)0)->field))

/* ------------------------------------------------------------------------------------------- */
/* Basic values                                                                                 */

/* A string as pointer and length. Not necessarily NUL-terminated; may hold any bytes. */
typedef struct ch_str {
  const char* data;
  size_t size;
} ch_str;

/* A ch_str over a string literal, for static descriptors. */
#define CH_STR(literal) \
  { (literal), sizeof(literal) - 1 }
#define CH_STR_NULL \
  { NULL, 0 }

typedef int32_t ch_status;
#define CH_OK 0
#define CH_FAILED 1

typedef enum ch_error_category {
  CH_ERROR_NONE = 0,
  CH_ERROR_TRANSIENT = 1, /* network fault, 5xx, timeout: retry with backoff */
  CH_ERROR_QUOTA = 2,     /* rate limit or quota: wait retry_after_ms, do not count as failure */
  CH_ERROR_AUTH = 3,      /* expired, revoked or invalid credentials: refresh or ask a human */
  CH_ERROR_CONFIG = 4,    /* settings are wrong: ask a human, do not retry */
  CH_ERROR_DATA = 5,      /* the platform answered something unparseable or inconsistent */
  CH_ERROR_INTERNAL = 6,  /* a bug in the plugin */
  CH_ERROR_NOT_IMPLEMENTED = 7 /* the capability or operation is declared but not offered */
} ch_error_category;

#define CH_ERROR_MESSAGE_MAX 1024

typedef struct ch_error {
  uint32_t struct_size;
  int32_t category;       /* ch_error_category */
  int64_t retry_after_ms; /* < 0: the platform gave no retry-after */
  /* NUL-terminated, truncated to fit. Must not contain secrets. */
  char message[CH_ERROR_MESSAGE_MAX];
} ch_error;

typedef enum ch_log_level {
  CH_LOG_TRACE = 0,
  CH_LOG_DEBUG = 1,
  CH_LOG_INFO = 2,
  CH_LOG_WARN = 3,
  CH_LOG_ERROR = 4
} ch_log_level;

/* Opaque handles. The host's are only passed back to the host; the plugin's only to the plugin. */
typedef struct ch_call ch_call;         /* host-owned: one invocation of a plugin function */
typedef struct ch_instance ch_instance; /* plugin-owned: one configured connection */

/* ------------------------------------------------------------------------------------------- */
/* Configuration schema (declarative, as Fluent Bit's config map and Kafka Connect's ConfigDef)   */

typedef enum ch_config_type {
  CH_CONFIG_STRING = 1,
  CH_CONFIG_INT = 2,        /* 64-bit signed, decimal text */
  CH_CONFIG_DOUBLE = 3,     /* decimal text */
  CH_CONFIG_BOOL = 4,       /* "true" / "false" */
  CH_CONFIG_STRING_LIST = 5 /* items joined by '\n' when passed to the plugin */
} ch_config_type;

#define CH_CONFIG_REQUIRED 0x1u
/* A secret is never written in TOML (only `${env:NAME}` or `${file:PATH}` references), is never
 * logged, and is not passed in ch_config: the plugin reads it with ch_host_services.secret. */
#define CH_CONFIG_SECRET 0x2u

typedef struct ch_config_field {
  ch_str key;           /* [a-z][a-z0-9_]*, unique within the schema */
  int32_t type;         /* ch_config_type */
  uint32_t flags;       /* CH_CONFIG_REQUIRED | CH_CONFIG_SECRET */
  ch_str default_value; /* text as the type's encoding; empty data pointer: no default */
  ch_str doc;           /* one line */
} ch_config_field;

typedef struct ch_config_entry {
  ch_str key;
  ch_str value;
} ch_config_entry;

/* The validated settings of one connection: every non-secret schema key that is set or has a
 * default, values as text in the type's encoding. */
typedef struct ch_config {
  const ch_config_entry* entries;
  size_t count;
} ch_config;

/* ------------------------------------------------------------------------------------------- */
/* HTTP through the host: the host does TLS, timeouts, retries with backoff, per-connection rate */
/* limits, base-URL override, redaction and metrics.                                            */

typedef struct ch_header {
  ch_str name;
  ch_str value;
} ch_header;

typedef struct ch_http_request {
  uint32_t struct_size;
  ch_str method; /* "GET", "POST", "DELETE", ... */
  ch_str url;    /* absolute: the plugin builds it from its base_url setting */
  const ch_header* headers;
  size_t header_count;
  ch_str body;
  int64_t timeout_ms; /* <= 0: the host's default */
} ch_http_request;

typedef struct ch_http_response {
  uint32_t struct_size;
  int32_t status; /* HTTP status code */
  const ch_header* headers;
  size_t header_count;
  ch_str body;
} ch_http_response;

/* ------------------------------------------------------------------------------------------- */
/* Typed rows (the hot path of every sync: no JSON text crosses the line)                       */

typedef enum ch_column_type {
  CH_COL_STRING = 1,
  CH_COL_INT64 = 2,
  CH_COL_DOUBLE = 3,
  CH_COL_BOOL = 4, /* set with set_int64: 0 or 1 */
  CH_COL_DATE = 5, /* set with set_string: "YYYY-MM-DD", as the platform gives it (account-local) */
  CH_COL_TIMESTAMP = 6, /* set with set_int64: milliseconds since the Unix epoch, UTC */
  CH_COL_MONEY = 7      /* set with set_int64: micros of the row's currency (1 unit = 1,000,000) */
} ch_column_type;

#define CH_COLUMN_PRIMARY_KEY 0x1u
#define CH_COLUMN_NULLABLE 0x2u
#define CH_COLUMN_CURSOR 0x4u /* the incremental cursor of the stream */

typedef struct ch_column_def {
  ch_str name;
  int32_t type;   /* ch_column_type */
  uint32_t flags; /* CH_COLUMN_* */
  ch_str doc;
} ch_column_def;

typedef struct ch_stream_def {
  uint32_t struct_size;
  ch_str name; /* [a-z][a-z0-9_]* */
  const ch_column_def* columns;
  size_t column_count;
  ch_str doc;
} ch_stream_def;

/* ------------------------------------------------------------------------------------------- */
/* Host services: handed to the plugin at entry; valid until the library is unloaded.           */

typedef struct ch_host_services {
  uint32_t struct_size;
  uint16_t abi_major; /* the host's ABI version */
  uint16_t abi_minor;

  /* Log a line. `call` may be NULL outside of a call. The host masks registered secrets. */
  void (*log)(ch_call* call, int32_t level, ch_str message);

  /* Milliseconds since the Unix epoch, UTC: the host's clock, so tests can control time. */
  int64_t (*now_ms)(ch_call* call);

  /* Perform an HTTP request. On transport failure returns CH_FAILED and fills err (category
   * transient); an HTTP error status is not a failure: the plugin reads it and decides. */
  ch_status (*http_request)(ch_call* call, const ch_http_request* request,
                            ch_http_response* response, ch_error* err);

  /* Read a secret setting of the call's connection (a key flagged CH_CONFIG_SECRET). The value
   * stays valid until the call ends. Fails with category config when the key is unset. */
  ch_status (*secret)(ch_call* call, ch_str key, ch_str* value, ch_error* err);

  /* Row appender for reporting reads: begin a row of a stream, set columns by index (order of
   * the stream's columns), end it. A type mismatch or an unset non-nullable column fails the
   * row with category data. */
  ch_status (*row_begin)(ch_call* call, ch_str stream, ch_error* err);
  ch_status (*row_set_null)(ch_call* call, uint32_t column, ch_error* err);
  ch_status (*row_set_int64)(ch_call* call, uint32_t column, int64_t value, ch_error* err);
  ch_status (*row_set_double)(ch_call* call, uint32_t column, double value, ch_error* err);
  ch_status (*row_set_string)(ch_call* call, uint32_t column, ch_str value, ch_error* err);
  ch_status (*row_end)(ch_call* call, ch_error* err);

  /* Hand the host the stream's new state (opaque to the host). The host commits it in the same
   * transaction as the rows emitted before it. */
  ch_status (*checkpoint)(ch_call* call, ch_str state, ch_error* err);

  /* Structured results of non-reporting calls (tokens, users, messages, profiles): a sequence of
   * records, each a set of key/value text fields. Keys per operation are listed with the
   * capability tables below. */
  ch_status (*output_begin)(ch_call* call, ch_str kind, ch_error* err);
  ch_status (*output_set)(ch_call* call, ch_str key, ch_str value, ch_error* err);
  ch_status (*output_end)(ch_call* call, ch_error* err);
} ch_host_services;

/* ------------------------------------------------------------------------------------------- */
/* Capability: reporting                                                                        */

typedef struct ch_read_request {
  uint32_t struct_size;
  ch_str stream;
  ch_str window_start; /* "YYYY-MM-DD", inclusive, account-local */
  ch_str window_end;   /* "YYYY-MM-DD", inclusive */
  ch_str state;        /* the last checkpointed state; empty on a first run */
  ch_str account;      /* the account to read; empty: every account of the connection */
} ch_read_request;

typedef struct ch_reporting_v1 {
  uint32_t struct_size;
  const ch_stream_def* streams;
  size_t stream_count;
  /* Read one stream over the window: emit rows, checkpoint as it goes. */
  ch_status (*read)(ch_instance* instance, ch_call* call, const ch_read_request* request,
                    ch_error* err);
} ch_reporting_v1;

/* ------------------------------------------------------------------------------------------- */
/* Capability: login (OAuth 2.0 authorization code)                                            */
/*   authorize_url outputs one record of kind "authorize" with key "url".                      */
/*   exchange_code and refresh output one record of kind "token": access_token, refresh_token, */
/*     expires_in (seconds), refresh_expires_in, scope (comma-separated), token_type,          */
/*     platform_user_id, and any platform extras (e.g. "advertiser_ids", newline-joined).      */
/*   user_info outputs one record of kind "user": platform_user_id, display_name, avatar_url,  */
/*     email, and any extras.                                                                  */

typedef struct ch_authorize_request {
  uint32_t struct_size;
  ch_str redirect_uri;
  ch_str state;
  ch_str code_challenge;        /* empty: no PKCE */
  ch_str code_challenge_method; /* "S256", or the platform's own */
  ch_str scopes;                /* newline-joined */
} ch_authorize_request;

typedef struct ch_token_request {
  uint32_t struct_size;
  ch_str code;          /* exchange_code */
  ch_str redirect_uri;  /* exchange_code */
  ch_str code_verifier; /* exchange_code, with PKCE */
  ch_str refresh_token; /* refresh */
  ch_str access_token;  /* revoke, user_info */
} ch_token_request;

typedef struct ch_login_v1 {
  uint32_t struct_size;
  ch_status (*authorize_url)(ch_instance* instance, ch_call* call,
                             const ch_authorize_request* request, ch_error* err);
  ch_status (*exchange_code)(ch_instance* instance, ch_call* call, const ch_token_request* request,
                             ch_error* err);
  ch_status (*refresh)(ch_instance* instance, ch_call* call, const ch_token_request* request,
                       ch_error* err);
  ch_status (*revoke)(ch_instance* instance, ch_call* call, const ch_token_request* request,
                      ch_error* err);
  ch_status (*user_info)(ch_instance* instance, ch_call* call, const ch_token_request* request,
                         ch_error* err);
} ch_login_v1;

/* ------------------------------------------------------------------------------------------- */
/* Capability: messaging (webhooks in, messages out)                                           */
/*   handshake outputs one record of kind "handshake": status, body (e.g. Meta's hub.challenge). */
/*   verify fails with category auth when the signature or timestamp is wrong.                 */
/*   parse_events outputs one record of kind "message" per event: event_id, event_type,        */
/*     conversation_id, message_id, sender_id, recipient_id, direction (in|out), timestamp_ms, */
/*     type (text|image|...), text, media_id, and extras.                                      */
/*   send outputs one record of kind "sent": message_id.                                       */
/*   media_url (ABI 1.1) outputs one record of kind "media": url (where the media can be        */
/*     fetched, often short-lived), content_type (may be empty), and "header:<name>" fields:  */
/*     headers the fetch must send (TikTok's x-user token), secrets for the host to keep.      */
/*     A table whose struct_size does not reach media_url does not offer it (the host checks    */
/*     CH_HAS_FIELD before calling).                                                           */

typedef struct ch_webhook_request {
  uint32_t struct_size;
  ch_str method;
  ch_str query; /* raw query string, without '?' */
  const ch_header* headers;
  size_t header_count;
  ch_str body;    /* the exact raw bytes received */
  int64_t now_ms; /* for timestamp tolerance */
  int64_t tolerance_ms;
} ch_webhook_request;

typedef struct ch_send_request {
  uint32_t struct_size;
  ch_str access_token;
  ch_str account_id; /* the business account sending */
  ch_str conversation_id;
  ch_str recipient_id;
  ch_str type; /* "text" or "image" */
  ch_str text;
  ch_str media_id;
  ch_str reply_to_message_id;
} ch_send_request;

/* ABI 1.1. Which media of which message; the platform needs some or all of these. */
typedef struct ch_media_request {
  uint32_t struct_size;
  ch_str access_token;
  ch_str account_id; /* the business account that received the message */
  ch_str conversation_id;
  ch_str message_id;
  ch_str media_id;   /* the platform's media id, or the attachment's URL */
  ch_str media_type; /* the message type: "image", "video", ... */
} ch_media_request;

typedef struct ch_messaging_v1 {
  uint32_t struct_size;
  ch_status (*handshake)(ch_instance* instance, ch_call* call, const ch_webhook_request* request,
                         ch_error* err);
  ch_status (*verify)(ch_instance* instance, ch_call* call, const ch_webhook_request* request,
                      ch_error* err);
  ch_status (*parse_events)(ch_instance* instance, ch_call* call, const ch_webhook_request* request,
                            ch_error* err);
  ch_status (*send)(ch_instance* instance, ch_call* call, const ch_send_request* request,
                    ch_error* err);
  /* ABI 1.1, appended: NULL or beyond struct_size in a 1.0 plugin. */
  ch_status (*media_url)(ch_instance* instance, ch_call* call, const ch_media_request* request,
                         ch_error* err);
} ch_messaging_v1;

/* ------------------------------------------------------------------------------------------- */
/* Capability: profile                                                                         */
/*   fetch outputs one record of kind "profile": platform_user_id, display_name, avatar_url,   */
/*   follower_count, following_count, business_category, shop_url, region, and extras.         */
/*   (ABI 1.2) After it, any number of records of kind "business_profile" with the same keys:   */
/*   the businesses the grant manages (a Meta user's Pages and Instagram business accounts),   */
/*   each a profile of its own. A 1.1 host ignores them.                                       */
/*   required_scopes (ABI 1.2) outputs one record of kind "scopes" with key "scopes": the       */
/*   newline-joined scopes a fetch needs on this connection (they may depend on its settings), */
/*   so the host can refuse a grant without them and name what is missing. A table whose       */
/*   struct_size does not reach required_scopes, or a NULL pointer, says nothing: the host     */
/*   takes it as no requirement.                                                                */

typedef struct ch_profile_request {
  uint32_t struct_size;
  ch_str access_token;
  ch_str platform_user_id;
  ch_str scopes; /* newline-joined granted scopes */
} ch_profile_request;

typedef struct ch_profile_v1 {
  uint32_t struct_size;
  ch_status (*fetch)(ch_instance* instance, ch_call* call, const ch_profile_request* request,
                     ch_error* err);
  /* ABI 1.2, appended: NULL or beyond struct_size in a 1.0 or 1.1 plugin. */
  ch_status (*required_scopes)(ch_instance* instance, ch_call* call, ch_error* err);
} ch_profile_v1;

/* ------------------------------------------------------------------------------------------- */
/* The descriptor                                                                               */

#define CH_CAP_REPORTING 0x1u
#define CH_CAP_LOGIN 0x2u
#define CH_CAP_MESSAGING 0x4u
#define CH_CAP_PROFILE 0x8u

/* A capability the plugin knows of but cannot offer, and why (e.g. the platform shut the channel
 * down). The host shows the reason wherever the capability is asked for. (ABI 1.1) */
typedef struct ch_capability_note {
  uint32_t capability; /* one CH_CAP_* bit */
  ch_str reason;
} ch_capability_note;

/* Descriptor flags (ABI 1.3).
 * CH_PLUGIN_UNLOAD_SAFE: the library keeps no state past instance_destroy and no thread of it
 *   outlives the call that started it, so the host may dlclose it once its last instance is gone
 *   (after a newer version replaced it, or its file was removed). Without it a superseded library
 *   stays mapped until the process ends. */
#define CH_PLUGIN_UNLOAD_SAFE 0x1u

typedef struct ch_plugin_descriptor {
  uint32_t struct_size;
  uint16_t abi_major; /* the ABI version the plugin was built against */
  uint16_t abi_minor;

  ch_str id;           /* [a-z][a-z0-9_-]*, unique among loaded plugins */
  ch_str display_name; /* for people */
  ch_str version;      /* the plugin's own version, semver */
  ch_str platform;     /* "meta", "google", "tiktok", or the third party's platform name */

  const ch_config_field* config_fields;
  size_t config_field_count;

  /* Create one configured connection. `call` gives access to secrets and logging. */
  ch_status (*instance_create)(ch_call* call, const ch_config* config, ch_instance** out,
                               ch_error* err);
  void (*instance_destroy)(ch_instance* instance);
  /* Check that the connection works (credentials, reachability); used by test-connection. */
  ch_status (*check)(ch_instance* instance, ch_call* call, ch_error* err);

  /* Capability tables; NULL when the plugin does not offer the capability. */
  const ch_reporting_v1* reporting;
  const ch_login_v1* login;
  const ch_messaging_v1* messaging;
  const ch_profile_v1* profile;

  /* ABI 1.1, appended: capabilities not offered, each with the reason. NULL/0: none. */
  const ch_capability_note* unavailable;
  size_t unavailable_count;

  /* ABI 1.3, appended: CH_PLUGIN_* bits. 0 in an older plugin. */
  uint32_t flags;
} ch_plugin_descriptor;

/* Returns the descriptor, or NULL after filling err. Called once per load. */
typedef const ch_plugin_descriptor* (*ch_plugin_entry_fn)(const ch_host_services* host,
                                                          ch_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONNHOST_ABI_H */
