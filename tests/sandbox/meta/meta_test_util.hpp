#pragma once

// Helpers for the Meta sandbox tests: JSON of a response, the Graph error of a response, a
// webhook receiver on loopback, and HMACs computed here with OpenSSL (independently of the
// sandbox's own crypto).

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sandbox_fixture.hpp"

namespace connhost::sandbox::testing {

namespace json = boost::json;

inline constexpr const char* kToken = "sandbox-meta-system-user-token";
inline constexpr const char* kAppId = "100000000000001";
inline constexpr const char* kAppSecret = "sandbox-meta-app-secret";

inline json::value body_json(const ClientResponse& r) {
  return json::parse(r.body);
}

inline std::string str(const json::value& v, std::string_view key) {
  return std::string(v.as_object().at(key).as_string());
}

// The §1.6 envelope's code and subcode (0 when absent).
struct GraphErr {
  int status = 0;
  int64_t code = 0;
  int64_t subcode = 0;
  std::string type;
  std::string message;
  bool has_trace = false;
};
inline GraphErr graph_error(const ClientResponse& r) {
  GraphErr e;
  e.status = r.status;
  auto v = json::parse(r.body);
  const auto& err = v.as_object().at("error").as_object();
  e.code = err.at("code").as_int64();
  if (auto* s = err.if_contains("error_subcode")) e.subcode = s->as_int64();
  e.type = std::string(err.at("type").as_string());
  e.message = std::string(err.at("message").as_string());
  e.has_trace = err.contains("fbtrace_id");
  return e;
}

inline std::string hex(const unsigned char* p, unsigned n) {
  std::string out;
  char b[3];
  for (unsigned i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x", p[i]);
    out += b;
  }
  return out;
}
inline std::string openssl_hmac(const EVP_MD* md, const std::string& key, const std::string& msg) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), out, &len);
  return hex(out, len);
}
inline std::string openssl_sha256_b64url(const std::string& s) {
  unsigned char d[32];
  unsigned n = 0;
  EVP_Digest(s.data(), s.size(), d, &n, EVP_sha256(), nullptr);
  unsigned char b64[64];
  int len = EVP_EncodeBlock(b64, d, static_cast<int>(n));
  std::string out(reinterpret_cast<char*>(b64), static_cast<size_t>(len));
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

// Accepts HTTP/1.1 POSTs on 127.0.0.1 and keeps their raw header block and exact body bytes.
class Receiver {
 public:
  struct Hit {
    std::string head;
    std::string body;
    std::string header(std::string name) const {
      std::string lower_head = head;
      for (auto& c : lower_head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto p = lower_head.find("\r\n" + name + ":");
      if (p == std::string::npos) return "";
      auto start = p + 3 + name.size();
      auto end = head.find("\r\n", start);
      std::string v = head.substr(start, end - start);
      while (!v.empty() && v.front() == ' ') v.erase(v.begin());
      return v;
    }
  };

  Receiver() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { loop(); });
  }
  ~Receiver() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/webhooks/meta"; }
  std::vector<Hit> hits() {
    std::lock_guard lock(mutex_);
    return hits_;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      std::string data;
      char buf[4096];
      size_t need = std::string::npos;
      while (true) {
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        data.append(buf, static_cast<size_t>(n));
        auto end = data.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          Hit h{data.substr(0, end), ""};
          auto cl = h.header("Content-Length");
          need = end + 4 + (cl.empty() ? 0 : std::stoul(cl));
        }
        if (need != std::string::npos && data.size() >= need) break;
      }
      auto end = data.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::lock_guard lock(mutex_);
        hits_.push_back({data.substr(0, end), data.substr(end + 4)});
      }
      const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      ::send(c, ok, sizeof ok - 1, 0);
      ::close(c);
    }
  }
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<Hit> hits_;
};

// The Meta fixture: the sandbox plus helpers that speak Graph.
class MetaTest : public SandboxTest {
 protected:
  std::string meta_account(int i = 0) { return sandbox->accounts("meta").at(i).id; }
  ClientResponse graph(const std::string& path_and_query, const std::string& token = kToken) {
    std::string sep = path_and_query.find('?') == std::string::npos ? "?" : "&";
    return get("/v26.0" + path_and_query + sep + "access_token=" + token);
  }
  ClientResponse control(const std::string& method, const std::string& path,
                         const std::string& body = "") {
    return http_request(method, base + path, {{"Content-Type", "application/json"}}, body);
  }
  void advance_clock(int64_t seconds) {
    clock_ += seconds;
    control("POST", "/_sandbox/clock?offset_s=" + std::to_string(clock_));
  }
  int64_t clock_ = 0;
};

}  // namespace connhost::sandbox::testing
