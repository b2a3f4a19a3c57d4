#include "server/login_sessions.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <soci/soci.h>

#include <stdexcept>

#include "store/dynamic_query.hpp"
#include "store/timestamp.hpp"

namespace connhost::server {
namespace {

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[data[i] >> 4];
    out += kHex[data[i] & 15];
  }
  return out;
}

bool is_hex64(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string sha256_hex(std::string_view text) {
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(text.data(), text.size(), d, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 failed");
  return hex(d, n);
}

std::string create_login_session(soci::session& sql, int64_t user_id,
                                 std::chrono::system_clock::time_point now) {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("OpenSSL has no random bytes for a session");
  std::string value = hex(bytes, sizeof bytes);
  std::string id = sha256_hex(value), created = store::timestamp_at(now),
              expires = store::timestamp_at(now + kSessionTtl);
  long long user = user_id;
  sql << "DELETE FROM login_sessions WHERE expires_at <= :now", soci::use(created);
  sql << "INSERT INTO login_sessions (id_sha256, user_id, created_at, expires_at) "
         "VALUES (:i, :u, :c, :e)",
      soci::use(id), soci::use(user), soci::use(created), soci::use(expires);
  return value;
}

std::optional<int64_t> find_session_user(soci::session& sql, std::string_view cookie,
                                         std::chrono::system_clock::time_point now) {
  if (!is_hex64(cookie)) return std::nullopt;
  store::DynamicQuery q;
  q.sql("SELECT user_id FROM login_sessions WHERE id_sha256 = ")
      .bind(sha256_hex(cookie))
      .sql(" AND expires_at > ")
      .bind(store::timestamp_at(now));
  std::optional<int64_t> out;
  q.each(sql, [&](const soci::row& r) { out = store::int_at(r, 0); });
  return out;
}

bool delete_login_session(soci::session& sql, std::string_view cookie) {
  if (!is_hex64(cookie)) return false;
  std::string id = sha256_hex(cookie);
  soci::statement st =
      (sql.prepare << "DELETE FROM login_sessions WHERE id_sha256 = :i", soci::use(id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

std::optional<std::string> request_cookie(const Request& req, std::string_view name) {
  auto h = req.header("cookie");
  if (!h) return std::nullopt;
  std::string_view s = *h;
  while (!s.empty()) {
    auto end = s.find(';');
    std::string_view part = s.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name)
      return std::string(part.substr(eq + 1));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return std::nullopt;
}

std::string session_cookie(std::string_view value, bool secure) {
  return std::string(kSessionCookie) + "=" + std::string(value) +
         "; HttpOnly; SameSite=Lax; Path=/; Max-Age=" + std::to_string(kSessionTtl.count()) +
         (secure ? "; Secure" : "");
}

std::string cleared_session_cookie(bool secure) {
  return std::string(kSessionCookie) + "=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0" +
         (secure ? "; Secure" : "");
}

}  // namespace connhost::server
