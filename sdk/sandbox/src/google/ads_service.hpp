#pragma once

// GoogleAdsService over REST (platform notes §4.2): customers:listAccessibleCustomers,
// googleAds:search and googleAds:searchStream, with the version in the path.

#include "google/ads_errors.hpp"
#include "platform_api.hpp"

namespace connhost::sandbox::goog {

// §0: the latest active major is v26; v20 to v22 are sunset by the sandbox's era.
inline constexpr int kOldestVersion = 23;
inline constexpr int kNewestVersion = 26;

class AdsService {
 public:
  explicit AdsService(Context& context) : ctx_(context) {}

  Response list_accessible_customers(const Request& r, int version);
  Response search(const Request& r, int version, const std::string& customer_id, bool stream);
  // Answer faults in GoogleAdsFailure form; `normal` serves the request as usual.
  Response fault(const FaultRule& f, const Request& r, int version, bool stream,
                 const std::function<Response()>& normal);

 private:
  struct Caller {
    std::optional<Token> token;
    std::optional<Response> error;
  };
  Caller authenticate(const Request& r, int version, bool stream, std::string_view method);

  Context& ctx_;
};

}  // namespace connhost::sandbox::goog
