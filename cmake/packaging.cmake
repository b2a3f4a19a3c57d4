# `cmake --install` layout and the Debian package (CPack), docs/operations.md "Deploy":
#   bin/connhost, bin/connhost-sandbox, bin/connhost-conformance
#   lib/connhost/connhost-plugin-worker  runs an isolated connection's plugin (isolation = "process")
#   lib/connhost/plugins/*.so            the first-party connectors (the host's default folder)
#   share/connhost/config/               an example configuration, category rules, and the
#                                        declarative connector's manifests (connectors/*.toml)
#   share/connhost/web/                  the dashboard
#   lib/systemd/system/connhost.service  the service unit
#   include/connhost, lib/cmake/...      the SDK, for third-party connectors
# `cpack -G DEB` in the build folder makes connhost_<version>_<arch>.deb, stripped, with its
# shared-library dependencies computed by dpkg-shlibdeps.

install(FILES ${PROJECT_SOURCE_DIR}/config/production.toml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/connhost/config RENAME connhost.toml.example)
install(FILES ${PROJECT_SOURCE_DIR}/config/categories.toml ${PROJECT_SOURCE_DIR}/config/fx-example.csv
        DESTINATION ${CMAKE_INSTALL_DATADIR}/connhost/config)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/connectors/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/connhost/config/connectors FILES_MATCHING PATTERN "*.toml")
install(FILES ${PROJECT_SOURCE_DIR}/packaging/connhost.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/README.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md")

set(CPACK_PACKAGE_NAME connhost)
set(CPACK_PACKAGE_VENDOR "connhost")
set(CPACK_PACKAGE_CONTACT "connhost maintainers <maintainers@connhost.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The first-party plugins are found by the host at run time, not linked: their own dependencies
# are what dpkg-shlibdeps reads from them.
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/connhost/connhost")
set(CPACK_DEBIAN_COMPRESSION_TYPE gzip)  # fast on two cores; xz saves little on stripped code
include(CPack)
