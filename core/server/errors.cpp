#include "server/errors.hpp"

namespace connhost::server {

HttpError::HttpError(int status, std::string code, std::string message)
    : std::runtime_error(std::move(message)), status_(status), code_(std::move(code)) {}

BadParameter::BadParameter(std::string_view param, std::string_view message)
    : HttpError(400, "bad_parameter", std::string(param) + ": " + std::string(message)),
      param_(param) {}

NotFound::NotFound(std::string message) : HttpError(404, "not_found", std::move(message)) {}

}  // namespace connhost::server
