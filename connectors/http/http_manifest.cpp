#include "http_manifest.hpp"

#include <connhost/ad_reporting.hpp>
#include <connhost/connector.hpp>

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace connhost::http_connector {

namespace ar = connhost::ad_reporting;
using connhost::Error;

namespace {

// Plain accessors: inside the templates below toml++'s member templates would need `template`.
std::string string_of(const toml::node& n) {
  return n.value<std::string>().value_or("");
}
int64_t int_of(const toml::node& n) {
  return n.value<int64_t>().value_or(0);
}
bool bool_of(const toml::node& n) {
  return n.value<bool>().value_or(false);
}
double double_of(const toml::node& n) {
  return n.value<double>().value_or(0);
}

const std::set<std::string> kPlaceholders = {"account_id", "start_date", "end_date",
                                             "campaign_ids"};

// Errors point at file:line:col and name the key, as the host's own configuration errors do.
class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const toml::node* at, std::string_view key, std::string_view msg) const {
    std::string where = "manifest " + file_.string();
    if (at) {
      const auto& b = at->source().begin;
      where += ":" + std::to_string(b.line) + ":" + std::to_string(b.column);
    }
    throw Error::config(where + ": " + std::string(key) + ": " + std::string(msg));
  }

  // Refuses keys the manifest does not know: a typo would otherwise be silently ignored.
  void only(const toml::table& t, std::string_view prefix,
            std::initializer_list<std::string_view> allowed) const {
    for (const auto& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      std::string names;
      for (auto a : allowed) names += (names.empty() ? "" : ", ") + std::string(a);
      fail(&v, join(prefix, k.str()), "unknown key (expected one of: " + names + ")");
    }
  }

  static std::string join(std::string_view prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : std::string(prefix) + "." + std::string(key);
  }

  std::optional<std::string> str(const toml::table& t, std::string_view prefix,
                                 std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (auto s = n->value<std::string>(); s && n->is_string()) return *s;
    fail(n, join(prefix, key), "must be a string");
  }

  std::optional<int64_t> integer(const toml::table& t, std::string_view prefix,
                                 std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    if (n->is_integer()) return n->value<int64_t>();
    fail(n, join(prefix, key), "must be an integer");
  }

  const toml::table* table(const toml::table& t, std::string_view prefix,
                           std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(n, join(prefix, key), "must be a table");
    return n->as_table();
  }

  // A path or parameter template: only the known placeholders, and only where they make sense.
  void check_template(const toml::node* at, std::string_view key, std::string_view text,
                      const std::set<std::string>& allowed) const {
    for (size_t open = text.find('{'); open != std::string_view::npos;
         open = text.find('{', open + 1)) {
      size_t close = text.find('}', open);
      if (close == std::string_view::npos) fail(at, key, "'{' without a closing '}'");
      std::string name(text.substr(open + 1, close - open - 1));
      if (!kPlaceholders.count(name))
        fail(at, key,
             "unknown placeholder {" + name +
                 "} (known: {account_id} {start_date} {end_date} {campaign_ids})");
      if (!allowed.count(name)) fail(at, key, "placeholder {" + name + "} is not available here");
    }
  }

 private:
  std::filesystem::path file_;
};

Transform transform_of(const Reader& r, const toml::node* at, std::string_view key,
                       std::string_view s) {
  if (s == "micros") return Transform::micros;
  if (s == "date") return Transform::date;
  if (s == "string") return Transform::string;
  if (s == "int") return Transform::integer;
  r.fail(at, key, "transform '" + std::string(s) + "' is not one of micros, date, string, int");
}

template <size_t N>
void read_fields(const Reader& r, const toml::table& t, std::string_view prefix, Stream& s,
                 const ch_column_def (&columns)[N], bool account_implicit, const Stream* accounts) {
  for (const auto& [k, v] : t) {
    std::string key = Reader::join(prefix, k.str());
    auto col = std::find_if(std::begin(columns), std::end(columns),
                            [&](const ch_column_def& c) { return to_sv(c.name) == k.str(); });
    if (col == std::end(columns)) {
      std::string names;
      for (const auto& c : columns)
        names += (names.empty() ? "" : ", ") + std::string(to_sv(c.name));
      r.fail(&v, key, "not a column of this stream (columns: " + names + ")");
    }
    Field f;
    if (v.is_string()) {
      f.path = string_of(v);
    } else if (const toml::table* ft = v.as_table()) {
      r.only(*ft, key, {"path", "transform", "scale", "value", "default", "account_field"});
      f.path = r.str(*ft, key, "path").value_or("");
      if (auto tr = r.str(*ft, key, "transform"))
        f.transform = transform_of(r, ft->get("transform"), key + ".transform", *tr);
      if (auto sc = r.integer(*ft, key, "scale")) {
        if (*sc < 1) r.fail(ft->get("scale"), key + ".scale", "must be at least 1");
        f.scale = *sc;
      }
      f.value = r.str(*ft, key, "value");
      if (const toml::node* d = ft->get("default")) {
        if (d->is_string()) {
          f.fallback = string_of(*d);
        } else if (d->is_integer()) {
          f.fallback = std::to_string(int_of(*d));
        } else if (d->is_floating_point()) {
          char buf[40];
          std::snprintf(buf, sizeof buf, "%.17g", double_of(*d));
          f.fallback = buf;
        } else {
          r.fail(d, key + ".default", "must be a string or a number");
        }
      }
      f.account_field = r.str(*ft, key, "account_field").value_or("");
      int sources = !f.path.empty() + f.value.has_value() + !f.account_field.empty();
      if (sources != 1) r.fail(&v, key, "give exactly one of path, value, account_field");
      if (!f.account_field.empty()) {
        if (!accounts)
          r.fail(&v, key + ".account_field", "only campaigns and campaign_daily may use it");
        bool known =
            std::any_of(std::begin(ar::kAccountColumns), std::end(ar::kAccountColumns),
                        [&](const ch_column_def& c) { return to_sv(c.name) == f.account_field; });
        if (!known)
          r.fail(ft->get("account_field"), key + ".account_field",
                 "'" + f.account_field + "' is not a column of accounts");
      }
    } else {
      r.fail(&v, key,
             "must be a dotted path string or an inline table {path = ..., transform = ...}");
    }
    s.fields[static_cast<uint32_t>(col - std::begin(columns))] = std::move(f);
  }
  for (uint32_t i = 0; i < N; ++i) {
    if (s.fields.count(i) || (columns[i].flags & CH_COLUMN_NULLABLE)) continue;
    if (i == 0 && account_implicit) continue;  // the account being read
    r.fail(&t, std::string(prefix),
           "column '" + std::string(to_sv(columns[i].name)) +
               "' may not be null: map it to a path, a value or an account_field");
  }
}

void read_pagination(const Reader& r, const toml::table* t, std::string_view prefix,
                     Pagination& p) {
  if (!t) return;
  r.only(*t, prefix, {"style", "param", "size_param", "size", "start", "cursor_path", "next_path"});
  std::string style = r.str(*t, prefix, "style").value_or("none");
  std::string key = Reader::join(prefix, "style");
  if (style == "none")
    p.style = PageStyle::none;
  else if (style == "page")
    p.style = PageStyle::page;
  else if (style == "cursor")
    p.style = PageStyle::cursor;
  else if (style == "next_url")
    p.style = PageStyle::next_url;
  else
    r.fail(t->get("style"), key,
           "pagination style '" + style + "' is not one of none, page, cursor, next_url");
  p.param = r.str(*t, prefix, "param").value_or("");
  p.size_param = r.str(*t, prefix, "size_param").value_or("");
  p.size = r.integer(*t, prefix, "size").value_or(0);
  p.start = r.integer(*t, prefix, "start").value_or(1);
  p.cursor_path = r.str(*t, prefix, "cursor_path").value_or("");
  p.next_path = r.str(*t, prefix, "next_path").value_or("");
  auto need = [&](bool ok, std::string_view k, std::string_view why) {
    if (!ok) r.fail(t, Reader::join(prefix, k), std::string(why));
  };
  switch (p.style) {
    case PageStyle::none:
      break;
    case PageStyle::page:
      need(!p.param.empty(), "param", "page pagination needs the page-number parameter");
      need(p.size > 0, "size", "page pagination needs the page size (a short page is the last)");
      need(p.start == 0 || p.start == 1, "start", "must be 0 or 1");
      break;
    case PageStyle::cursor:
      need(!p.param.empty(), "param", "cursor pagination needs the cursor parameter");
      need(!p.cursor_path.empty(), "cursor_path", "cursor pagination needs cursor_path");
      need(p.size_param.empty() || p.size > 0, "size", "size_param needs a size");
      break;
    case PageStyle::next_url:
      need(!p.next_path.empty(), "next_path", "next_url pagination needs next_path");
      break;
  }
}

template <size_t N>
Stream read_stream(const Reader& r, const toml::table& streams, std::string_view name,
                   const ch_column_def (&columns)[N], const Stream* accounts) {
  Stream s;
  std::string prefix = "streams." + std::string(name);
  const toml::table* t = r.table(streams, "streams", name);
  if (!t) r.fail(&streams, prefix, "missing: every standard stream needs its table");
  s.present = true;
  bool daily = name == "campaign_daily", per_account = accounts != nullptr;
  if (daily)
    r.only(*t, prefix,
           {"path", "params", "records", "pagination", "fields", "campaign_ids_from", "batch_size",
            "max_days"});
  else if (per_account)
    r.only(*t, prefix, {"path", "params", "records", "pagination", "fields"});
  else
    r.only(*t, prefix,
           {"path", "params", "records", "pagination", "fields", "one_path", "one_record"});
  auto path = r.str(*t, prefix, "path");
  if (!path || path->empty()) r.fail(t, prefix + ".path", "required");
  s.path = *path;
  // The accounts listing is read before any account or window is known.
  std::set<std::string> allowed;
  if (per_account) allowed = {"account_id", "start_date", "end_date"};
  if (daily) {
    if (auto from = r.str(*t, prefix, "campaign_ids_from")) {
      if (*from != "campaigns")
        r.fail(t->get("campaign_ids_from"), prefix + ".campaign_ids_from",
               "the only source of campaign ids is \"campaigns\"");
      s.campaign_ids_from_campaigns = true;
      allowed.insert("campaign_ids");
    }
    s.batch_size = r.integer(*t, prefix, "batch_size").value_or(100);
    if (s.batch_size < 1)
      r.fail(t->get("batch_size"), prefix + ".batch_size", "must be at least 1");
    s.max_days = r.integer(*t, prefix, "max_days").value_or(0);
    if (s.max_days < 0) r.fail(t->get("max_days"), prefix + ".max_days", "must not be negative");
  }
  r.check_template(t->get("path"), prefix + ".path", s.path, allowed);
  if (const toml::table* params = r.table(*t, prefix, "params")) {
    for (const auto& [k, v] : *params) {
      std::string key = prefix + ".params." + std::string(k.str());
      std::string value;
      if (v.is_string())
        value = string_of(v);
      else if (v.is_integer())
        value = std::to_string(int_of(v));
      else if (v.is_boolean())
        value = bool_of(v) ? "true" : "false";
      else
        r.fail(&v, key, "must be a string, an integer or a boolean");
      r.check_template(&v, key, value, allowed);
      s.params.emplace_back(std::string(k.str()), std::move(value));
    }
    // TOML tables iterate by key; requests carry the parameters in the order they were written.
    std::sort(s.params.begin(), s.params.end(), [&](const auto& a, const auto& b) {
      auto pos = [&](const std::string& k) { return params->get(k)->source().begin; };
      auto pa = pos(a.first), pb = pos(b.first);
      return std::tie(pa.line, pa.column) < std::tie(pb.line, pb.column);
    });
  }
  if (daily && !s.campaign_ids_from_campaigns) {
    bool uses = s.path.find("{campaign_ids}") != std::string::npos;
    for (const auto& [k, v] : s.params)
      uses = uses || v.find("{campaign_ids}") != std::string::npos;
    if (uses) r.fail(t, prefix, "{campaign_ids} needs campaign_ids_from = \"campaigns\"");
  }
  s.records = r.str(*t, prefix, "records").value_or("");
  read_pagination(r, r.table(*t, prefix, "pagination"), prefix + ".pagination", s.pagination);
  if (!per_account) {
    s.one_path = r.str(*t, prefix, "one_path").value_or("");
    s.one_record = r.str(*t, prefix, "one_record").value_or("");
    r.check_template(t->get("one_path"), prefix + ".one_path", s.one_path, {"account_id"});
  }
  const toml::table* fields = r.table(*t, prefix, "fields");
  if (!fields) r.fail(t, prefix + ".fields", "required: the columns' sources");
  read_fields(r, *fields, prefix + ".fields", s, columns, per_account, accounts);
  return s;
}

std::string read_text(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error::config("manifest " + file.string() + ": no such file (a relative path is " +
                        "resolved against the current directory, " +
                        std::filesystem::current_path(ec).string() + ")");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error::config("manifest " + file.string() + ": cannot be read");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

const Stream& Manifest::stream(std::string_view name) const {
  if (name == "accounts") return accounts;
  if (name == "campaigns") return campaigns;
  return daily;
}

Manifest load_manifest(const std::filesystem::path& file) {
  Manifest m;
  m.file = file;
  const std::string text = read_text(file);
  const std::string label = file.string();
  toml::table root;
#if TOML_EXCEPTIONS
  try {
    root = toml::parse(text, std::string_view(label));
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    throw Error::config("manifest " + label + ":" + std::to_string(b.line) + ":" +
                        std::to_string(b.column) +
                        ": invalid TOML: " + std::string(e.description()));
  }
#else
  auto parsed = toml::parse(text, std::string_view(label));
  if (!parsed) {
    const auto& b = parsed.error().source().begin;
    throw Error::config("manifest " + label + ":" + std::to_string(b.line) + ":" +
                        std::to_string(b.column) +
                        ": invalid TOML: " + std::string(parsed.error().description()));
  }
  root = std::move(parsed).table();
#endif
  Reader r(file);
  r.only(root, "", {"base_url", "auth", "rate_limit", "headers", "error_message_path", "streams"});
  m.base_url = r.str(root, "", "base_url").value_or("");
  m.error_message_path = r.str(root, "", "error_message_path").value_or("message");
  if (const toml::table* a = r.table(root, "", "auth")) {
    r.only(*a, "auth", {"style", "name", "secret"});
    std::string style = r.str(*a, "auth", "style").value_or("bearer");
    if (style == "bearer")
      m.auth.style = AuthStyle::bearer;
    else if (style == "header")
      m.auth.style = AuthStyle::header;
    else if (style == "query")
      m.auth.style = AuthStyle::query;
    else if (style == "none")
      m.auth.style = AuthStyle::none;
    else
      r.fail(a->get("style"), "auth.style",
             "'" + style + "' is not one of bearer, header, query, none");
    m.auth.name = r.str(*a, "auth", "name").value_or("");
    m.auth.secret = r.str(*a, "auth", "secret").value_or("token");
    if (m.auth.secret != "token" && m.auth.secret != "api_key")
      r.fail(a->get("secret"), "auth.secret", "must be \"token\" or \"api_key\"");
    if ((m.auth.style == AuthStyle::header || m.auth.style == AuthStyle::query) &&
        m.auth.name.empty())
      r.fail(a, "auth.name", "the header or query parameter that carries the credential");
  }
  if (const toml::table* rl = r.table(root, "", "rate_limit")) {
    r.only(*rl, "rate_limit", {"qps"});
    if (const toml::node* q = rl->get("qps")) {
      if (!q->is_number()) r.fail(q, "rate_limit.qps", "must be a number");
      m.qps = q->is_integer() ? static_cast<double>(*q->value<int64_t>()) : *q->value<double>();
      if (m.qps <= 0) r.fail(q, "rate_limit.qps", "must be positive");
    }
  }
  if (const toml::table* h = r.table(root, "", "headers")) {
    for (const auto& [k, v] : *h) {
      if (!v.is_string()) r.fail(&v, "headers." + std::string(k.str()), "must be a string");
      m.headers.emplace_back(std::string(k.str()), *v.value<std::string>());
    }
  }
  const toml::table* streams = r.table(root, "", "streams");
  if (!streams)
    r.fail(&root, "streams",
           "missing: [streams.accounts], [streams.campaigns], "
           "[streams.campaign_daily]");
  r.only(*streams, "streams", {"accounts", "campaigns", "campaign_daily"});
  m.accounts = read_stream(r, *streams, "accounts", ar::kAccountColumns, nullptr);
  m.campaigns = read_stream(r, *streams, "campaigns", ar::kCampaignColumns, &m.accounts);
  m.daily = read_stream(r, *streams, "campaign_daily", ar::kDailyColumns, &m.accounts);
  return m;
}

}  // namespace connhost::http_connector
