// googleAds:search and googleAds:searchStream (platform notes §4.2): the request body, page
// tokens over fixed 10,000-row pages, stream batches in one JSON array, summary rows.
#include <algorithm>
#include <cstdio>

#include "google/ads_query.hpp"
#include "google/ads_service.hpp"

namespace connhost::sandbox::goog {
namespace {

constexpr size_t kPageRows = 10000;  // §4.2: fixed since v17

struct SearchBody {
  std::string query;
  std::string page_token;
  int64_t page_size = 0;
  bool validate_only = false;
  bool omit_results = false;
  bool return_summary_row = false;
  bool return_total_results_count = false;
  std::string summary_row_setting = "NO_SUMMARY_ROW";
};

struct PayloadError {
  std::string message;
  std::string field;
};

// proto3 JSON parsers accept the lowerCamelCase and the original snake_case names (§4.2).
std::optional<std::string_view> canonical(
    std::string_view key, std::initializer_list<std::pair<const char*, const char*>> names) {
  for (auto [camel, snake] : names)
    if (key == camel || key == snake) return std::string_view(snake);
  return std::nullopt;
}

std::string value_text(const json::value& v) {
  return json::serialize(v);
}

std::string need_string(const json::value& v, const std::string& field) {
  if (!v.is_string())
    throw PayloadError{"Invalid value at '" + field + "' (TYPE_STRING), " + value_text(v), field};
  return std::string(v.as_string());
}

bool need_bool(const json::value& v, const std::string& field) {
  if (!v.is_bool())
    throw PayloadError{"Invalid value at '" + field + "' (TYPE_BOOL), " + value_text(v), field};
  return v.as_bool();
}

int64_t need_int(const json::value& v, const std::string& field) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() < (1ULL << 31)) return static_cast<int64_t>(v.as_uint64());
  if (v.is_string()) {  // proto3 JSON also takes integers as strings
    if (auto n = parse_uint(v.as_string(), 10)) return *n;
  }
  throw PayloadError{"Invalid value at '" + field + "' (TYPE_INT32), " + value_text(v), field};
}

[[noreturn]] void unknown_name(std::string_view key, const std::string& where) {
  std::string msg = "Invalid JSON payload received. Unknown name \"" + std::string(key) + "\"";
  if (!where.empty()) msg += " at '" + where + "'";
  throw PayloadError{msg + ": Cannot find field.", where};
}

SearchBody parse_body(const std::string& text, bool stream, int version) {
  SearchBody b;
  bool blank = text.find_first_not_of(" \t\r\n") == std::string::npos;
  if (blank) return b;
  json::value v;
  try {
    v = json::parse(text);
  } catch (const std::exception&) {
    throw PayloadError{"Invalid JSON payload received. Unexpected token.", ""};
  }
  if (!v.is_object()) throw PayloadError{"Invalid JSON payload received. Expected an object.", ""};
  for (const auto& [key, val] : v.as_object()) {
    // The stream request has only customer_id, query and summary_row_setting.
    auto name = stream ? canonical(key, {{"customerId", "customer_id"},
                                         {"query", "query"},
                                         {"summaryRowSetting", "summary_row_setting"}})
                       : canonical(key, {{"customerId", "customer_id"},
                                         {"query", "query"},
                                         {"pageToken", "page_token"},
                                         {"pageSize", "page_size"},
                                         {"validateOnly", "validate_only"},
                                         {"searchSettings", "search_settings"}});
    if (!name) unknown_name(key, "");
    std::string n(*name);
    if (n == "customer_id")
      need_string(val, n);
    else if (n == "query")
      b.query = need_string(val, n);
    else if (n == "page_token")
      b.page_token = need_string(val, n);
    else if (n == "page_size")
      b.page_size = need_int(val, n);
    else if (n == "validate_only")
      b.validate_only = need_bool(val, n);
    else if (n == "summary_row_setting") {
      b.summary_row_setting = need_string(val, n);
      if (b.summary_row_setting != "NO_SUMMARY_ROW" &&
          b.summary_row_setting != "SUMMARY_ROW_WITH_RESULTS" &&
          b.summary_row_setting != "SUMMARY_ROW_ONLY" && b.summary_row_setting != "UNSPECIFIED")
        throw PayloadError{
            "Invalid value at 'summary_row_setting' (type.googleapis.com/"
            "google.ads.googleads.v" +
                std::to_string(version) + ".enums.SummaryRowSettingEnum.SummaryRowSetting), " +
                value_text(val),
            n};
    } else if (n == "search_settings") {
      if (!val.is_object())
        throw PayloadError{
            "Invalid value at 'search_settings' (type.googleapis.com/"
            "google.ads.googleads.v" +
                std::to_string(version) + ".services.SearchSettings), " + value_text(val),
            n};
      for (const auto& [k2, v2] : val.as_object()) {
        auto s = canonical(k2, {{"omitResults", "omit_results"},
                                {"returnSummaryRow", "return_summary_row"},
                                {"returnTotalResultsCount", "return_total_results_count"}});
        if (!s) unknown_name(k2, "search_settings");
        std::string f = "search_settings." + std::string(*s);
        bool x = need_bool(v2, f);
        if (*s == "omit_results")
          b.omit_results = x;
        else if (*s == "return_summary_row")
          b.return_summary_row = x;
        else
          b.return_total_results_count = x;
      }
    }
  }
  return b;
}

uint64_t fnv1a(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// Opaque to clients; it binds the customer and the query so a token cannot page another read.
std::string make_page_token(const std::string& cid, const std::string& query, size_t offset,
                            bool total) {
  char buf[128];
  std::snprintf(buf, sizeof buf, "sbx1:%s:%016llx:%zu:%d", cid.c_str(),
                static_cast<unsigned long long>(fnv1a(query)), offset, total ? 1 : 0);
  return base64url_encode(buf);
}

struct PageToken {
  size_t offset = 0;
  bool total = false;
};

std::optional<PageToken> read_page_token(const std::string& token, const std::string& cid,
                                         const std::string& query) {
  auto raw = base64url_decode(token);
  if (!raw) return std::nullopt;
  char id[64] = {0};
  unsigned long long hash = 0;
  size_t offset = 0;
  int total = 0;
  if (std::sscanf(raw->c_str(), "sbx1:%63[0-9]:%16llx:%zu:%d", id, &hash, &offset, &total) != 4)
    return std::nullopt;
  if (cid != id || hash != fnv1a(query)) return std::nullopt;
  return PageToken{offset, total != 0};
}

Response ok(json::value body) {
  Response r = Response::json(200, to_text(body));
  r.header("request-id", new_request_id());
  return r;
}

}  // namespace

Response AdsService::search(const Request& r, int version, const std::string& customer_id,
                            bool stream) {
  auto error = [&](const AdsError& e) { return ads_error_response(e, version, stream); };
  if (version < kOldestVersion || version > kNewestVersion)
    return error(request_error(
        "UNSUPPORTED_VERSION",
        "Version v" + std::to_string(version) + " is not supported. Supported versions are v" +
            std::to_string(kOldestVersion) + " to v" + std::to_string(kNewestVersion) + "."));
  auto caller = authenticate(r, version, stream,
                             stream ? "GoogleAdsService.SearchStream" : "GoogleAdsService.Search");
  if (caller.error) return *caller.error;

  // §4.2: customer ids are 10 digits without hyphens, in the path and in login-customer-id.
  if (!parse_uint(customer_id, 10) || customer_id.size() != 10)
    return error(
        request_error("INVALID_CUSTOMER_ID", "Invalid customer ID '" + customer_id + "'."));
  auto login = r.header("login-customer-id");
  if (login && (!parse_uint(*login, 10) || login->size() != 10)) {
    AdsError e;
    e.kind = "headerError";
    e.code = "INVALID_LOGIN_CUSTOMER_ID";
    e.message = "The login customer ID could not be validated.";
    return error(e);
  }
  const Account* account = ctx_.world.account(Platform::google, customer_id);
  if (!account) {
    AdsError e = authentication_error("CUSTOMER_NOT_FOUND",
                                      "No customer found for the provided customer id.");
    e.http = 404;
    e.status = "NOT_FOUND";
    return error(e);
  }
  const auto& reach = caller.token->accounts;
  bool can_reach = std::find(reach.begin(), reach.end(), customer_id) != reach.end();
  // The sandbox has no manager accounts: a login-customer-id other than the customer itself
  // names an account that does not manage it.
  if (!can_reach || (login && *login != customer_id))
    return error(permission_denied(
        "User doesn't have permission to access customer. Note: If you're accessing a client "
        "customer, the manager's customer id must be set in the 'login-customer-id' header. See "
        "https://developers.google.com/google-ads/api/docs/concepts/call-structure#cid"));

  SearchBody body;
  try {
    body = parse_body(r.body, stream, version);
  } catch (const PayloadError& e) {
    return bad_payload_response(e.message, e.field, stream);
  }
  if (body.page_size != 0)
    return error(request_error("PAGE_SIZE_NOT_SUPPORTED",
                               "Setting the page size is not supported. Search Responses will "
                               "have fixed page size of '10000' rows."));
  if (body.query.empty()) {
    AdsError e;
    e.kind = "fieldError";
    e.code = "REQUIRED";
    e.message = "The required field was not present.";
    e.location = "query";
    return error(e);
  }
  auto planned = plan_query(body.query, ctx_.world.today());
  if (auto* e = std::get_if<AdsError>(&planned)) return error(*e);
  const QueryPlan& plan = std::get<QueryPlan>(planned);

  bool want_summary = stream ? (body.summary_row_setting == "SUMMARY_ROW_WITH_RESULTS" ||
                                body.summary_row_setting == "SUMMARY_ROW_ONLY")
                             : body.return_summary_row;
  if (want_summary && !plan.metrics_selected)
    return error(request_error("CANNOT_RETURN_SUMMARY_ROW_FOR_REQUEST_WITHOUT_METRICS",
                               "Summary row is only available for queries selecting metrics."));
  if (body.validate_only) {
    if (!body.page_token.empty())
      return error(request_error("VALIDATE_ONLY_REQUEST_HAS_PAGE_TOKEN",
                                 "A validate-only request cannot have a page token."));
    return ok(json::object{{"fieldMask", plan.field_mask}});
  }

  size_t offset = 0;
  if (!body.page_token.empty()) {
    auto token = read_page_token(body.page_token, customer_id, body.query);
    if (!token) return error(request_error("INVALID_PAGE_TOKEN", "Page token is invalid."));
    if (body.return_total_results_count && !token->total)
      return error(request_error("TOTAL_RESULTS_COUNT_NOT_ORIGINALLY_REQUESTED",
                                 "returnTotalResultsCount was not set on the first page."));
    offset = token->offset;
  } else if (plan.has_metrics) {
    // A report read starts: recent days move toward their final values, once per read.
    ctx_.world.restate(Platform::google, customer_id);
  }

  RunResult run = run_query(plan, ctx_.world, *account);
  const auto& rows = run.rows;
  std::string consumption = std::to_string(run.scanned + static_cast<int64_t>(rows.size()) + 1);

  if (!stream) {
    if (offset > rows.size())
      return error(request_error("INVALID_PAGE_TOKEN", "Page token is invalid."));
    size_t end = std::min(rows.size(), offset + kPageRows);
    json::object out;
    if (!body.omit_results && end > offset) {
      json::array results;
      results.reserve(end - offset);
      for (size_t i = offset; i < end; ++i) results.push_back(render_row(plan, rows[i], *account));
      out["results"] = std::move(results);
    }
    if (end < rows.size())
      out["nextPageToken"] =
          make_page_token(customer_id, body.query, end, body.return_total_results_count);
    if (body.return_total_results_count) out["totalResultsCount"] = std::to_string(rows.size());
    out["fieldMask"] = plan.field_mask;
    if (want_summary && end == rows.size()) out["summaryRow"] = render_summary(plan, rows);
    out["queryResourceConsumption"] = consumption;
    return ok(std::move(out));
  }

  // §4.2: one JSON array of batches; queryResourceConsumption only in the final one. fieldMask
  // and requestId (not stated either way, §7) are repeated in every batch.
  std::string request_id = new_request_id();
  json::array batches;
  bool only_summary = body.summary_row_setting == "SUMMARY_ROW_ONLY";
  size_t at = 0;
  do {
    json::object batch;
    size_t end = only_summary ? at : std::min(rows.size(), at + kPageRows);
    if (end > at) {
      json::array results;
      results.reserve(end - at);
      for (size_t i = at; i < end; ++i) results.push_back(render_row(plan, rows[i], *account));
      batch["results"] = std::move(results);
    }
    batch["fieldMask"] = plan.field_mask;
    at = end;
    bool last = only_summary || at >= rows.size();
    if (last && want_summary) batch["summaryRow"] = render_summary(plan, rows);
    batch["requestId"] = request_id;
    if (last) batch["queryResourceConsumption"] = consumption;
    batches.push_back(std::move(batch));
    if (last) break;
  } while (true);
  Response resp = Response::json(200, to_text(batches));
  resp.header("request-id", request_id);
  return resp;
}

}  // namespace connhost::sandbox::goog
