// A test plugin that exercises the host's HTTP service through the ABI: check() sends a GET to
// {base_url}/probe with a secret header and fails with the answer's status unless it is 200.
#include <connhost/connector.hpp>

namespace {

class HttpProbe {
 public:
  static constexpr connhost::PluginInfo info{"http-probe", "HTTP probe (test)", "0.0.1", "test"};
  static constexpr unsigned capabilities = 0;
  static constexpr ch_config_field config[] = {
      connhost::required_setting("base_url", CH_CONFIG_STRING, "where to probe"),
      connhost::secret_setting("token", "sent as Access-Token"),
  };

  HttpProbe(connhost::Call&, const connhost::Config& c) : base_(c.get_string("base_url")) {}

  void check(connhost::Call& call) {
    auto resp = call.http({.method = "GET",
                           .url = base_ + "/probe?x=1",
                           .headers = {{"Access-Token", call.secret("token")}}});
    if (resp.status != 200)
      throw connhost::Error::transient("probe answered " + std::to_string(resp.status) + ": " +
                                       std::string(resp.body));
    if (resp.header("x-probe").value_or("") != "yes")
      throw connhost::Error::data("no x-probe header");
  }

 private:
  std::string base_;
};

}  // namespace

CONNHOST_CONNECTOR(HttpProbe)
