#include "store/conninfo.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <regex>

#include "log/secret_mask.hpp"

namespace connhost::store::detail {
namespace {

// Where a password is given in a connection string. "=" is optional so that a mistyped
// "password secret" is caught too.
const std::regex& password_in_conninfo() {
  static const std::regex re(R"(\bpassword\b\s*=?\s*('(?:[^'\\]|\\.)*'|[^\s]+))",
                             std::regex::icase);
  return re;
}

// Applied to messages on top of the known secrets, because a string libpq rejects has no parsed
// password, and a driver message may quote a connection string we never saw.
const std::regex& password_assignment() {
  static const std::regex re(R"(\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|[^\s]+))", std::regex::icase);
  return re;
}
const std::regex& uri_userinfo() {
  static const std::regex re(R"(([a-z]+://[^:/@\s]*):[^@\s]*@)", std::regex::icase);
  return re;
}

std::string unquote(std::string_view quoted) {
  std::string out;
  for (std::size_t i = 1; i + 1 < quoted.size(); ++i) {
    if (quoted[i] == '\\' && i + 2 < quoted.size()) ++i;
    out += quoted[i];
  }
  return out;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Every way the password may be spelled in `conninfo`, found without trusting it to parse.
std::vector<std::string> password_candidates(std::string_view conninfo) {
  std::vector<std::string> found;
  const std::string text(conninfo);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), password_in_conninfo());
       it != std::sregex_iterator(); ++it) {
    std::string value = (*it)[1].str();
    found.push_back(value);
    if (value.size() >= 2 && value.front() == '\'') found.push_back(unquote(value));
    // In a URI query the value ends at the next parameter.
    if (auto amp = value.find('&'); amp != std::string::npos) {
      found.push_back(value.substr(0, amp));
      found.push_back(percent_decode(value.substr(0, amp)));
    }
  }
  std::smatch m;
  static const std::regex userinfo(R"(^\s*[a-z]+://[^:/@\s]*:([^@\s]*)@)", std::regex::icase);
  if (std::regex_search(text, m, userinfo)) {
    found.push_back(m[1].str());
    found.push_back(percent_decode(m[1].str()));
  }
  return found;
}

void add_secret(std::vector<std::string>& secrets, std::string value) {
  if (value.empty()) return;
  if (std::find(secrets.begin(), secrets.end(), value) == secrets.end())
    secrets.push_back(std::move(value));
}

struct OptionsDeleter {
  void operator()(PQconninfoOption* options) const { PQconninfoFree(options); }
};

}  // namespace

ConninfoView inspect_conninfo(std::string_view conninfo) {
  ConninfoView view;
  for (auto& candidate : password_candidates(conninfo)) add_secret(view.secrets, candidate);

  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, OptionsDeleter> options(
      PQconninfoParse(std::string(conninfo).c_str(), &error));
  if (!options) {
    std::string reason = error ? error : "out of memory";
    PQfreemem(error);
    while (!reason.empty() && std::isspace(static_cast<unsigned char>(reason.back())))
      reason.pop_back();
    view.summary = "unparsable connection string";
    std::sort(view.secrets.begin(), view.secrets.end(),
              [](const auto& a, const auto& b) { return a.size() > b.size(); });
    view.parse_error = redact(reason, view.secrets);
    return view;
  }

  std::string host, hostaddr, port, dbname, user;
  for (auto* o = options.get(); o->keyword; ++o) {
    if (!o->val) continue;
    std::string_view key = o->keyword;
    if (key == "password")
      add_secret(view.secrets, o->val);
    else if (key == "host")
      host = o->val;
    else if (key == "hostaddr")
      hostaddr = o->val;
    else if (key == "port")
      port = o->val;
    else if (key == "dbname")
      dbname = o->val;
    else if (key == "user")
      user = o->val;
  }
  std::sort(view.secrets.begin(), view.secrets.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });

  auto shown = [](const std::string& v) { return v.empty() ? std::string("(default)") : v; };
  view.summary = "host=" + shown(host);
  if (!hostaddr.empty()) view.summary += ", hostaddr=" + hostaddr;
  view.summary += ", port=" + shown(port) + ", dbname=" + shown(dbname) + ", user=" + shown(user);
  view.summary = redact(view.summary, view.secrets);
  return view;
}

std::string redact(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  // Longest first, so that a secret containing a shorter one is masked whole.
  std::vector<std::string> ordered(secrets);
  std::sort(ordered.begin(), ordered.end(),
            [](const auto& a, const auto& b) { return a.size() > b.size(); });
  const std::string mask(log::kMask);
  for (const auto& secret : ordered) {
    if (secret.empty()) continue;
    for (auto pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + mask.size())) {
      out.replace(pos, secret.size(), mask);
    }
  }
  out = std::regex_replace(out, password_assignment(), "password=" + mask);
  out = std::regex_replace(out, uri_userinfo(), "$1:" + mask + "@");
  return out;
}

}  // namespace connhost::store::detail
