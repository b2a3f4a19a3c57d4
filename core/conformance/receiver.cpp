#include "conformance/receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>
#include <string_view>

namespace connhost::conformance {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Reads one request; nothing when the peer gave up or sent something that is not HTTP.
bool read_request(int fd, ReceivedDelivery& out) {
  std::string data;
  char buf[8192];
  size_t header_end = std::string::npos;
  size_t length = 0;
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) return false;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<size_t>(n));
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      std::string_view head(data.data(), header_end);
      size_t line_end = head.find("\r\n");
      while (line_end != std::string_view::npos) {
        size_t next = head.find("\r\n", line_end + 2);
        auto line =
            head.substr(line_end + 2, next == std::string_view::npos ? std::string_view::npos
                                                                     : next - line_end - 2);
        size_t colon = line.find(':');
        if (colon != std::string_view::npos) {
          std::string name(line.substr(0, colon));
          auto value = line.substr(colon + 1);
          while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
          if (lower(name) == "content-length") length = std::stoul(std::string(value));
          out.headers.emplace_back(name, std::string(value));
        }
        line_end = next;
      }
    }
    if (data.size() >= header_end + 4 + length) {
      out.body = data.substr(header_end + 4, length);
      return true;
    }
  }
}

}  // namespace

Receiver::Receiver() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("webhook receiver: socket failed");
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 16) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    close(fd_);
    throw std::runtime_error("webhook receiver: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { serve(); });
}

Receiver::~Receiver() {
  shutdown(fd_, SHUT_RDWR);
  close(fd_);
  if (thread_.joinable()) thread_.join();
}

std::string Receiver::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/webhooks/conformance";
}

std::vector<ReceivedDelivery> Receiver::take() {
  std::lock_guard lock(mutex_);
  return std::exchange(received_, {});
}

void Receiver::serve() {
  while (true) {
    int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;  // the listening socket was shut down
    ReceivedDelivery d;
    if (read_request(c, d)) {
      {
        std::lock_guard lock(mutex_);
        received_.push_back(std::move(d));
      }
      static constexpr std::string_view kOk =
          "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)send(c, kOk.data(), kOk.size(), MSG_NOSIGNAL);
    }
    close(c);
  }
}

}  // namespace connhost::conformance
