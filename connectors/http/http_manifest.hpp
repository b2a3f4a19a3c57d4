// The manifest of the declarative HTTP connector: how one ad platform's REST API maps onto the
// standard ad-reporting streams (docs/http-connector.md is the reference for every key). Parsed
// once per connection; immutable afterwards, so one instance may serve concurrent calls.
#pragma once

#include <connhost/abi.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace connhost::http_connector {

enum class AuthStyle { bearer, header, query, none };
enum class PageStyle { none, page, cursor, next_url };
enum class Transform { automatic, micros, date, string, integer };

struct Auth {
  AuthStyle style = AuthStyle::bearer;
  std::string name;              // header or query parameter name (header, query)
  std::string secret = "token";  // which secret setting holds the credential
};

struct Pagination {
  PageStyle style = PageStyle::none;
  std::string param;        // page: the page-number parameter; cursor: the cursor parameter
  std::string size_param;   // page, cursor: the page-size parameter (optional for cursor)
  int64_t size = 0;         // page: required; cursor: sent when size_param is set
  int64_t start = 1;        // page: the first page's number, 0 or 1
  std::string cursor_path;  // cursor: where the next cursor is in the response
  std::string next_path;    // next_url: where the next page's URL is in the response
};

// How one column's value is taken from a record.
struct Field {
  std::string path;  // dotted path in the record; empty with value/account_field
  Transform transform = Transform::automatic;
  int64_t scale = 1;                    // integer results are multiplied by it
  std::optional<std::string> value;     // a constant instead of a path
  std::optional<std::string> fallback;  // `default`: the text used when the path is absent/null
  std::string account_field;            // the account's column of this name (e.g. currency)
};

struct Stream {
  bool present = false;
  std::string path;  // appended to base_url; placeholders {account_id} {start_date} ...
  std::vector<std::pair<std::string, std::string>> params;  // in manifest order
  std::string records;  // dotted path to the record array; "" = the body is the array
  Pagination pagination;
  std::map<uint32_t, Field> fields;  // column index -> how to fill it
  // accounts: one account by id, when the connection names its accounts (account_ids).
  std::string one_path;
  std::string one_record;  // dotted path to the account object in that answer; "" = the body
  // campaign_daily: {campaign_ids} from the account's campaigns, batch_size at a time.
  bool campaign_ids_from_campaigns = false;
  int64_t batch_size = 100;
  int64_t max_days = 0;  // > 0: the window is read in chunks of at most this many days
};

struct Manifest {
  std::filesystem::path file;
  std::string base_url;
  Auth auth;
  double qps = 0;  // [rate_limit] qps; 0: no pacing
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error_message_path = "message";
  Stream accounts, campaigns, daily;

  const Stream& stream(std::string_view name) const;
};

// Reads and checks a manifest file. Every mistake throws connhost::Error::config naming the
// file, line and column, and the dotted key.
Manifest load_manifest(const std::filesystem::path& file);

}  // namespace connhost::http_connector
