#pragma once

// Errors a handler throws to answer with a JSON error (see error_response); anything else it
// throws becomes a 500 with a generic message, logged on the server side only.

#include <stdexcept>
#include <string>
#include <string_view>

namespace connhost::server {

class HttpError : public std::runtime_error {
 public:
  // `message` is sent to the client: it must not carry a secret.
  HttpError(int status, std::string code, std::string message);
  int status() const { return status_; }
  const std::string& code() const { return code_; }

 private:
  int status_;
  std::string code_;
};

// 400 bad_parameter, the message starting with the parameter's name so that a client (and a
// person reading the dashboard's error line) knows which one to fix.
class BadParameter : public HttpError {
 public:
  BadParameter(std::string_view param, std::string_view message);
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

// 404 not_found.
class NotFound : public HttpError {
 public:
  explicit NotFound(std::string message);
};

}  // namespace connhost::server
