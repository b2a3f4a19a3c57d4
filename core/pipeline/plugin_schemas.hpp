#pragma once

#include "config/config.hpp"
#include "plugin/registry.hpp"

namespace connhost::pipeline {

// What the config validator needs of every loaded plugin (schema, capabilities, streams), over a
// registry that must outlive the lookup.
config::SchemaLookup plugin_schemas(const plugin::Registry& registry);

}  // namespace connhost::pipeline
