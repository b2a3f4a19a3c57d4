// A profile plugin for the host's profile operations (core/plugin/instance_profile.cpp), built
// with the C++ SDK: required_scopes from a setting, and a fetch whose records the `mode` setting
// shapes, so a test sees how "profile" and "business_profile" records come back.
#include <connhost/connector.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace {

class FakeProfile {
 public:
  static constexpr connhost::PluginInfo info{"fake_profile", "Fake profile", "0.0.1", "test"};
  static constexpr unsigned capabilities = connhost::kProfile;
  static constexpr ch_config_field config[] = {
      connhost::setting("mode", CH_CONFIG_STRING, "what the fake does", "normal"),
      connhost::setting("scopes", CH_CONFIG_STRING_LIST, "what required_scopes answers")};

  FakeProfile(connhost::Call&, const connhost::Config& c)
      : mode_(c.get_string("mode")), scopes_(c.get_list("scopes")) {}

  std::vector<std::string> required_scopes(connhost::Call&) {
    if (mode_ == "scopes_fail") throw connhost::Error::config("the connection's flow is unknown");
    if (mode_ == "scopes_throw") throw std::runtime_error("boom");
    return scopes_;
  }

  void fetch(connhost::Call& call, const ch_profile_request& r) {
    // The business records come first on purpose: the host must not take order for kind.
    if (mode_ != "no_business")
      call.output("business_profile", {{"platform_user_id", "page-1"},
                                       {"display_name", "Page One"},
                                       {"follower_count", mode_ == "bad_count" ? "many" : "12"},
                                       {"business_category", "Shopping & Retail"},
                                       {"shop_url", "https://one.example"},
                                       {"kind", "facebook_page"}});
    call.output("profile", {{"platform_user_id", std::string(connhost::to_sv(r.platform_user_id))},
                            {"display_name", "Person"},
                            {"follower_count", "7"},
                            {"region", "DE"},
                            {"username", "person"}});
    if (mode_ != "no_business")
      call.output("business_profile", {{"platform_user_id", mode_ == "no_id" ? "" : "ig-2"},
                                       {"display_name", "IG Two"},
                                       {"avatar_url", "https://cdn.example/ig2.jpg"},
                                       {"following_count", "3"},
                                       {"page_id", "page-1"}});
    call.output("note", {{"platform_user_id", "not-a-business"}});
  }

 private:
  std::string mode_;
  std::vector<std::string> scopes_;
};

}  // namespace

CONNHOST_CONNECTOR(FakeProfile)
