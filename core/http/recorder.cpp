#include "http/recorder.hpp"

#include <unistd.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>

#include "log/secret_mask.hpp"

namespace connhost::http {

namespace json = boost::json;

namespace {

// Field names compared without case, '_', '-' or '.', so that access_token, accessToken and
// Access-Token are one name.
std::string norm(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c == '_' || c == '-' || c == '.') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

template <size_t N>
bool one_of(std::string_view n, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), n) != list.end();
}

// Objects under these keys describe a person, so their `name` is personal; everywhere else a
// name is a campaign's or an account's, which the rows need.
bool person_key(std::string_view name) {
  static constexpr std::array<std::string_view, 17> kKeys = {
      "user",     "users",  "userinfo",  "profile", "profiles",     "owner",
      "creator",  "sender", "recipient", "from",    "participants", "contact",
      "contacts", "person", "people",    "me",      "member"};
  return one_of(norm(name), kKeys);
}

// A whole answer that is about the signed-in person (Graph /me, OIDC userinfo, TikTok's
// /v2/user/info/).
bool person_document(std::string_view path) {
  std::string p(path);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  auto last = p.substr(p.rfind('/') + 1);
  return last == "me" || last == "userinfo" || last == "tokeninfo" || last == "profile" ||
         p.find("/user/info") != std::string::npos;
}

bool local_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}
bool domain_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

}  // namespace

std::optional<std::pair<size_t, size_t>> find_email(std::string_view s, size_t from) {
  for (size_t at = s.find('@', from); at != std::string_view::npos; at = s.find('@', at + 1)) {
    size_t begin = at;
    while (begin > 0 && local_char(s[begin - 1])) --begin;
    size_t end = at + 1;
    while (end < s.size() && domain_char(s[end])) ++end;
    while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-')) --end;  // "a@b.co." ends
    std::string_view domain = s.substr(at + 1, end - at - 1);
    auto dot = domain.rfind('.');
    if (begin == at || dot == std::string_view::npos || dot == 0 || domain.size() - dot - 1 < 2)
      continue;
    bool letters = true;
    for (char c : domain.substr(dot + 1))
      letters = letters && std::isalpha(static_cast<unsigned char>(c));
    if (letters) return std::pair{begin, end};
  }
  return std::nullopt;
}

namespace {

// Every e-mail address in a text, replaced; a scan rather than std::regex, whose recursion
// overflows the stack on answers of megabytes.
std::string redact_emails(std::string_view s) {
  std::string out;
  size_t from = 0;
  while (auto hit = find_email(s, from)) {
    out.append(s.substr(from, hit->first - from));
    out.append(kRedacted);
    from = hit->second;
  }
  out.append(s.substr(from));
  return out;
}

struct Scrubber {
  std::string origin;  // scheme://authority of the request; empty: leave URLs alone

  // A registered secret anywhere, an e-mail address anywhere, and links back to the origin.
  std::string text(std::string_view s, bool response) const {
    std::string out = log::mask_secrets(s, kRedacted);
    if (out.find('@') != std::string::npos) out = redact_emails(out);
    if (out.rfind("http://", 0) == 0 || out.rfind("https://", 0) == 0) out = link(out);
    if (response && !origin.empty()) out = replace_origin(out);
    return out;
  }

  // A link an answer hands out (Graph's paging.next) carries the request's own parameters,
  // tokens the masker may not know among them.
  static std::string link(const std::string& s) {
    auto parsed = boost::urls::parse_uri(s);
    if (!parsed || !parsed->has_query()) return s;
    boost::urls::url u(*parsed);
    bool changed = false;
    for (auto it = u.params().begin(); it != u.params().end(); ++it) {
      auto p = *it;
      if (p.has_value && p.value != kRedacted && secret_field(p.key, true)) {
        it = u.params().set(it, kRedacted);
        changed = true;
      }
    }
    return changed ? std::string(u.buffer()) : s;
  }

  std::string replace_origin(const std::string& s) const {
    std::string out;
    size_t from = 0;
    for (size_t pos = s.find(origin); pos != std::string::npos; pos = s.find(origin, from)) {
      size_t end = pos + origin.size();
      // http://h:80 must not turn http://h:8080 into {{origin}}80.
      bool boundary = end == s.size() || !(std::isalnum(static_cast<unsigned char>(s[end])) ||
                                           s[end] == '.' || s[end] == '-' || s[end] == ':');
      out.append(s, from, pos - from);
      out.append(boundary ? std::string(kOriginPlaceholder) : origin);
      from = end;
    }
    out.append(s, from, std::string::npos);
    return out;
  }

  void redact_all(json::value& v, bool response) const {
    if (v.is_string()) {
      v = kRedacted;
    } else if (v.is_object()) {
      for (auto& kv : v.get_object()) redact_all(kv.value(), response);
    } else if (v.is_array()) {
      for (auto& x : v.get_array()) redact_all(x, response);
    }
  }

  void walk(json::value& v, bool request, bool person) const {
    if (v.is_string()) {
      v = text(v.get_string(), !request);
    } else if (v.is_array()) {
      for (auto& x : v.get_array()) walk(x, request, person);
    } else if (v.is_object()) {
      for (auto& kv : v.get_object()) {
        std::string_view key = kv.key();
        json::value& child = kv.value();
        bool scalar = !child.is_object() && !child.is_array();
        // A response's numbers and flags stay: TikTok's envelope "code": 0 is no secret.
        if (secret_field(key, request) && (child.is_string() || (request && scalar))) {
          child = kRedacted;
        } else if (personal_field(key) || (person && norm(key) == "name")) {
          if (scalar && !child.is_string()) continue;
          redact_all(child, !request);
        } else {
          walk(child, request, person || (!scalar && person_key(key)));
        }
      }
    }
  }

  std::string value(std::string_view key, std::string_view v, bool request) const {
    if (secret_field(key, request) || personal_field(key)) return std::string(kRedacted);
    return text(v, !request);
  }
};

bool form_content(const Headers& headers) {
  for (const auto& [k, v] : headers)
    if (norm(k) == "contenttype")
      return v.find("application/x-www-form-urlencoded") != std::string::npos;
  return false;
}

std::optional<json::value> parse_json(std::string_view body) {
  auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || (body[first] != '{' && body[first] != '[')) return {};
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec) return {};
  return v;
}

json::array pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  json::array out;
  for (const auto& [k, v] : pairs) out.push_back(json::array{json::string(k), json::string(v)});
  return out;
}

// The decoded pairs of a form body ('+' is a space).
std::optional<std::vector<std::pair<std::string, std::string>>> form_pairs(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  boost::urls::url u;
  try {
    u.set_encoded_query(body);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  for (auto p : u.params()) out.emplace_back(std::string(p.key), std::string(p.value));
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  boost::urls::url u;
  for (const auto& [k, v] : pairs) u.params().append({k, v});
  return std::string(u.encoded_query());
}

// Which answer headers a replay needs: the type, retry hints, redirects and the platforms'
// rate-limit and usage headers. Never cookies, never authentication.
bool kept_header(std::string_view name) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (n == "content-type" || n == "retry-after" || n == "location") return true;
  if (n.rfind("x-", 0) != 0) return false;
  return n.rfind("x-ratelimit-", 0) == 0 || ends_with(n, "-usage") || ends_with(n, "-throttle");
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

bool secret_field(std::string_view name, bool in_request) {
  static constexpr std::array<std::string_view, 17> kAnywhere = {
      "accesstoken", "refreshtoken",    "clientsecret", "appsecret",    "secret",
      "token",       "password",        "apikey",       "idtoken",      "appsecretproof",
      "inputtoken",  "fbexchangetoken", "authcode",     "codeverifier", "passwd",
      "privatekey",  "sessionkey"};
  // Names that mean something harmless in an answer (TikTok's and Graph's error "code") but a
  // credential in a request (the OAuth code), and the app identifiers a shared fixture should
  // not carry.
  static constexpr std::array<std::string_view, 6> kInRequest = {"code",     "key",   "signature",
                                                                 "clientid", "appid", "clientkey"};
  std::string n = norm(name);
  if (one_of(n, kAnywhere)) return true;
  if (in_request && one_of(n, kInRequest)) return true;
  for (std::string_view suffix :
       {"accesstoken", "refreshtoken", "secret", "password", "idtoken", "apikey"})
    if (ends_with(n, suffix)) return true;
  return false;
}

bool personal_field(std::string_view name) {
  static constexpr std::array<std::string_view, 20> kNames = {
      "email",      "phone",          "phonenumber", "displayname",    "username",
      "firstname",  "lastname",       "givenname",   "familyname",     "middlename",
      "fullname",   "avatar",         "avatarurl",   "picture",        "profileimage",
      "profilepic", "profilepicture", "birthday",    "biodescription", "profileimageurl"};
  std::string n = norm(name);
  if (one_of(n, kNames)) return true;
  return n.rfind("avatar", 0) == 0 || n.find("email") != std::string::npos ||
         n.find("phone") != std::string::npos;
}

Recorder::Recorder(std::string platform) : platform_(std::move(platform)) {}

void Recorder::record(const Request& request, const Response& response) {
  auto url = boost::urls::parse_uri(request.url);
  if (!url) return;
  Scrubber s;
  s.origin = std::string(url->scheme()) + "://" + std::string(url->encoded_authority());

  json::object req;
  req["method"] = request.method;
  req["path"] = url->path().empty() ? std::string("/") : s.text(url->path(), false);
  std::vector<std::pair<std::string, std::string>> query;
  for (auto p : url->params())
    query.emplace_back(p.key, s.value(p.key, p.has_value ? std::string(p.value) : "", true));
  req["query"] = pairs_json(query);
  if (!request.body.empty()) {
    if (auto body = parse_json(request.body)) {
      s.walk(*body, true, false);
      req["json"] = std::move(*body);
    } else if (auto pairs =
                   form_content(request.headers) ? form_pairs(request.body) : std::nullopt) {
      for (auto& [k, v] : *pairs) v = s.value(k, v, true);
      req["body"] = form_encode(*pairs);
    } else {
      req["body"] = s.text(request.body, false);
    }
  }

  json::object resp;
  resp["status"] = response.status;
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [k, v] : response.headers)
    if (kept_header(k)) headers.emplace_back(lower(k), s.text(v, true));
  resp["headers"] = pairs_json(headers);
  if (auto body = parse_json(response.body)) {
    s.walk(*body, false, person_document(url->path()));
    resp["json"] = std::move(*body);
  } else if (auto pairs =
                 form_content(response.headers) ? form_pairs(response.body) : std::nullopt) {
    for (auto& [k, v] : *pairs) v = s.value(k, v, false);
    resp["body"] = form_encode(*pairs);
  } else if (!response.body.empty()) {
    resp["body"] = s.text(response.body, true);
  }

  std::string line =
      json::serialize(json::object{{"request", std::move(req)}, {"response", std::move(resp)}});
  std::lock_guard lock(mutex_);
  exchanges_.push_back(std::move(line));
}

ExchangeObserver Recorder::observer() {
  return [self = shared_from_this()](const Request& request, const Response& response) {
    self->record(request, response);
  };
}

size_t Recorder::size() const {
  std::lock_guard lock(mutex_);
  return exchanges_.size();
}

std::string Recorder::to_json() const {
  std::string out = "{\"format\":" + json::serialize(json::string(kFixtureFormat)) +
                    ",\"platform\":" + json::serialize(json::string(platform_)) +
                    ",\"exchanges\":[";
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < exchanges_.size(); ++i) out += (i ? ",\n" : "\n") + exchanges_[i];
  out += "\n]}\n";
  return out;
}

void Recorder::write(const std::filesystem::path& file) const {
  auto tmp = file;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw RecordError("cannot write " + tmp.string() + ": " + std::strerror(errno));
    out << to_json();
    out.flush();
    if (!out) throw RecordError("cannot write " + tmp.string() + ": " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    throw RecordError("cannot write " + file.string() + ": " + ec.message());
  }
}

std::filesystem::path prepare_recording(const std::filesystem::path& dir,
                                        const std::string& connection, bool overwrite) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir))
    throw RecordError("cannot create the recording folder " + dir.string() + ": " +
                      (ec ? ec.message() : "not a directory"));
  // Find out now, not after an hour of syncing, that the folder takes no files.
  auto probe = dir / (".connhost-record-probe-" + std::to_string(::getpid()));
  {
    std::ofstream out(probe);
    if (!out)
      throw RecordError("the recording folder " + dir.string() +
                        " is not writable: " + std::strerror(errno));
  }
  std::filesystem::remove(probe, ec);
  auto file = dir / (connection + ".json");
  if (!overwrite && std::filesystem::exists(file))
    throw RecordError("the recording " + file.string() + " already exists");
  return file;
}

}  // namespace connhost::http
