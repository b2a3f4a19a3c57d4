#pragma once

// A one-shot webhook receiver on loopback: takes the sandbox's signed POSTs and keeps each one's
// headers and exact body, which the webhook_signature check hands to the plugin's verify.

#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace connhost::conformance {

struct ReceivedDelivery {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class Receiver {
 public:
  Receiver();  // listens on 127.0.0.1, an ephemeral port; throws std::runtime_error
  ~Receiver();
  Receiver(const Receiver&) = delete;
  Receiver& operator=(const Receiver&) = delete;

  std::string url() const;
  std::vector<ReceivedDelivery> take();

 private:
  void serve();
  int fd_ = -1;
  uint16_t port_ = 0;
  std::mutex mutex_;
  std::vector<ReceivedDelivery> received_;
  std::thread thread_;
};

}  // namespace connhost::conformance
