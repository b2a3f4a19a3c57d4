// Placeholder until the google emulator lands.
#include "platform_api.hpp"

namespace connhost::sandbox {
namespace {
class Api : public PlatformApi {
 public:
  Platform platform() const override { return Platform::google; }
  std::optional<Route> route(const Request&) override { return std::nullopt; }
  Response fault_response(const FaultRule&, const Route&, const Request&) override {
    return Response::text(500, "");
  }
};
}  // namespace
std::unique_ptr<PlatformApi> make_google_api(Context&) { return std::make_unique<Api>(); }
}  // namespace connhost::sandbox
