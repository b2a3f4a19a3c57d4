# connhost_add_plugin(NAME SOURCES...): one connector plugin as a loadable module that exports
# only its entry symbol. Used in-tree and, through the installed connhost_sdk package, by third
# parties, so both build plugins the same way.
function(connhost_add_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  set(sources ${ARG_SOURCES} ${ARG_UNPARSED_ARGUMENTS})
  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE connhost::sdk)
  target_compile_features(${name} PRIVATE cxx_std_20)
  # GCC marks some inline statics STB_GNU_UNIQUE, and glibc never unloads a library that has
  # one; without them an unload-safe plugin's old version can really go after a hot reload.
  target_compile_options(${name} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  endif()
endfunction()

# connhost_add_conformance_test(PLUGIN_TARGET [NAME test] [CONNECTION file.toml] [FIXTURES dir]):
# a ctest case that runs the conformance kit (connhost-conformance, docs/conformance.md) on the
# built plugin: against the recorded answers in FIXTURES when given, else against the kit's
# emulated platforms. The kit is the one installed with the SDK (<prefix>/bin), or the
# connhost-conformance target when built in connhost's own tree, or CONNHOST_CONFORMANCE.
function(connhost_add_conformance_test target)
  cmake_parse_arguments(ARG "" "NAME;CONNECTION;FIXTURES" "" ${ARGN})
  if(NOT ARG_NAME)
    set(ARG_NAME ${target}_conformance)
  endif()
  if(TARGET connhost-conformance)
    set(kit $<TARGET_FILE:connhost-conformance>)
  elseif(CONNHOST_CONFORMANCE)
    set(kit ${CONNHOST_CONFORMANCE})
  else()
    find_program(CONNHOST_CONFORMANCE connhost-conformance
      HINTS ${connhost_sdk_PREFIX}/bin NO_CACHE)
    if(NOT CONNHOST_CONFORMANCE)
      message(FATAL_ERROR "connhost_add_conformance_test: connhost-conformance not found next to "
        "the SDK (${connhost_sdk_PREFIX}/bin) nor on PATH; set CONNHOST_CONFORMANCE")
    endif()
    set(kit ${CONNHOST_CONFORMANCE})
  endif()
  set(args $<TARGET_FILE:${target}>)
  if(ARG_CONNECTION)
    list(APPEND args --connection ${ARG_CONNECTION})
  endif()
  if(ARG_FIXTURES)
    list(APPEND args --fixtures ${ARG_FIXTURES})
  endif()
  add_test(NAME ${ARG_NAME} COMMAND ${kit} ${args})
endfunction()
