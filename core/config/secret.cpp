#include "config/secret.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <system_error>

#include "log/secret_mask.hpp"

namespace connhost::config {
namespace {

constexpr std::string_view kOpen = "${";
constexpr std::string_view kEnv = "env:";
constexpr std::string_view kFile = "file:";
constexpr std::string_view kGrant = "grant:";

bool is_connection_name(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

bool is_env_name(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(name.front())) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// The body of "${...}" when the whole value is one such form.
std::optional<std::string_view> body_of(std::string_view value) {
  if (!value.starts_with(kOpen) || !value.ends_with('}') || value.size() < 3) return std::nullopt;
  std::string_view body = value.substr(2, value.size() - 3);
  // A second "${" or a '}' inside means several references or text around one: not supported.
  if (body.find(kOpen) != std::string_view::npos || body.find('}') != std::string_view::npos)
    return std::nullopt;
  return body;
}

std::string errno_text(int err) {
  return std::generic_category().message(err);
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

}  // namespace

std::string SecretRef::to_string() const {
  switch (kind) {
    case Kind::env:
      return std::string(kOpen) + "env:" + target + "}";
    case Kind::file:
      return std::string(kOpen) + "file:" + target + "}";
    case Kind::grant:
      return std::string(kOpen) + "grant:" + target + (field == "access_token" ? "" : ":" + field) +
             "}";
  }
  return {};
}

bool looks_like_secret_ref(std::string_view value) {
  return value.find(kOpen) != std::string_view::npos;
}

std::optional<SecretRef> parse_secret_ref(std::string_view value,
                                          const std::filesystem::path& base_dir) {
  auto body = body_of(value);
  if (!body) return std::nullopt;
  if (body->starts_with(kEnv)) {
    std::string_view name = body->substr(kEnv.size());
    if (!is_env_name(name)) return std::nullopt;
    return SecretRef{SecretRef::Kind::env, std::string(name)};
  }
  if (body->starts_with(kFile)) {
    std::string_view path = body->substr(kFile.size());
    if (path.empty()) return std::nullopt;
    std::filesystem::path p(path);
    if (p.is_relative() && !base_dir.empty()) p = base_dir / p;
    return SecretRef{SecretRef::Kind::file, p.lexically_normal().string()};
  }
  if (body->starts_with(kGrant)) {
    std::string_view rest = body->substr(kGrant.size());
    std::string_view field = "access_token";
    if (auto colon = rest.find(':'); colon != std::string_view::npos) {
      field = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    if (!is_connection_name(rest) || (field != "access_token" && field != "refresh_token"))
      return std::nullopt;
    return SecretRef{SecretRef::Kind::grant, std::string(rest), std::string(field)};
  }
  return std::nullopt;
}

std::optional<std::string> secret_ref_error(std::string_view value) {
  if (!looks_like_secret_ref(value) || parse_secret_ref(value)) return std::nullopt;
  const std::string expected = "; expected \"${env:NAME}\" or \"${file:PATH}\" as the whole value";
  auto body = body_of(value);
  if (!body) return "malformed reference" + expected;
  if (body->starts_with(kEnv))
    return body->size() == kEnv.size()
               ? "malformed reference: empty variable name" + expected
               : "malformed reference: variable names are letters, digits and '_', not starting "
                 "with a digit";
  if (body->starts_with(kFile)) return "malformed reference: empty file path" + expected;
  if (body->starts_with(kGrant))
    return "malformed reference: expected \"${grant:CONNECTION}\" (the access token) or "
           "\"${grant:CONNECTION:refresh_token}\", CONNECTION a configured connection's name";
  return "malformed reference: unknown source (only 'env', 'file' and 'grant' are supported)" +
         expected;
}

std::optional<std::string> check_secret(const SecretRef& ref) {
  if (ref.kind == SecretRef::Kind::grant) return std::nullopt;
  if (ref.kind == SecretRef::Kind::env) {
    const char* v = std::getenv(ref.target.c_str());
    if (!v) return "environment variable " + ref.target + " is not set";
    if (!*v) return "environment variable " + ref.target + " is empty";
    return std::nullopt;
  }
  std::error_code ec;
  if (std::filesystem::is_directory(ref.target, ec))
    return "secret file " + ref.target + " is a directory";
  File f(std::fopen(ref.target.c_str(), "rb"));
  if (!f) return "cannot read secret file " + ref.target + ": " + errno_text(errno);
  return std::nullopt;
}

SecretValue resolve_secret(const SecretRef& ref) {
  SecretValue out;
  if (ref.kind == SecretRef::Kind::grant) {
    out.error = ref.to_string() + " is read from the token vault, which is not available here";
    return out;
  }
  if (auto err = check_secret(ref)) {
    out.error = std::move(*err);
    return out;
  }
  std::string value;
  if (ref.kind == SecretRef::Kind::env) {
    value = std::getenv(ref.target.c_str());
  } else {
    File f(std::fopen(ref.target.c_str(), "rb"));
    if (!f) {
      out.error = "cannot read secret file " + ref.target + ": " + errno_text(errno);
      return out;
    }
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, f.get())) > 0;) value.append(buf, n);
    if (std::ferror(f.get())) {
      int err = errno;
      log::register_secret(value);  // a partial read may still be most of the secret
      out.error = "cannot read secret file " + ref.target + ": " + errno_text(err);
      return out;
    }
    // Editors add a final newline; it is never part of a token.
    if (value.ends_with("\r\n"))
      value.resize(value.size() - 2);
    else if (value.ends_with('\n'))
      value.pop_back();
    if (value.empty()) {
      out.error = "secret file " + ref.target + " is empty";
      return out;
    }
  }
  log::register_secret(value);
  out.value = std::move(value);
  return out;
}

}  // namespace connhost::config
