// The Graph transport of one call: the token, pacing by the usage headers, error categories and
// cursor paging. Everything that talks to the host's HTTP service goes through here.
#pragma once

#include <connhost/connector.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meta_parse.hpp"
#include "meta_requests.hpp"

namespace meta {

class Graph {
 public:
  Graph(connhost::Call& call, const Settings& settings, const Urls& urls);

  struct Answer {
    std::string body;
    std::string trace_id;  // x-fb-trace-id when Graph sent one; fbtrace_id in error bodies
  };

  // One request; a non-success answer becomes the classified connhost::Error.
  Answer get(const std::string& url, std::string_view what);
  Answer post_json(const std::string& url, const std::string& body, std::string_view what);

  // Every page from first_url on, following paging.next until it is absent (section 1.1).
  // parse(body, trace_id) returns a Page<T>. Cursors can be invalidated (section 1.1), so a
  // Graph code 100 on a later page restarts the listing from the first page, at most twice;
  // nothing gathered before the restart is kept, so no item is returned twice.
  template <class T, class Parse>
  std::vector<T> get_all(const std::string& first_url, std::string_view what, Parse parse) {
    for (int restarts = 0;; ++restarts) {
      std::vector<T> items;
      std::string url = first_url;
      for (bool first = true;; first = false) {
        auto r = send("GET", url, {}, what);
        if (!r.ok) {
          if (!first && r.error && r.error->code == 100 && r.error->subcode != 1487534 &&
              restarts < 2) {
            call_.warn("Meta " + std::string(what) +
                       ": a paging cursor was refused (code 100); reading the list again");
            break;
          }
          throw fail(r, what);
        }
        Page<T> page = parse(r.body, r.trace_id);
        for (auto& item : page.items) items.push_back(std::move(item));
        if (!page.next) return items;
        url = urls_.next(*page.next, r.trace_id);
      }
    }
  }

  const Usage& usage() const { return usage_; }
  // The token, once a request has read it (for masking it out of error messages).
  const std::optional<std::string>& loaded_token() const { return token_; }

 private:
  struct Raw {
    bool ok = false;
    int status = 0;
    std::string body;
    std::string trace_id;
    std::optional<GraphError> error;
  };
  Raw send(std::string_view method, const std::string& url, const std::string& body,
           std::string_view what);
  connhost::Error fail(const Raw& r, std::string_view what) const;
  void pace(std::string_view what);
  const std::string& token();

  connhost::Call& call_;
  const Settings& settings_;
  const Urls& urls_;
  std::optional<std::string> token_;
  // The last value of each usage header (section 1.7), and what they add up to.
  std::optional<std::string> app_usage_, account_usage_, buc_usage_, insights_usage_;
  Usage usage_;
};

}  // namespace meta
