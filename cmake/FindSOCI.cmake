#[=======================================================================[.rst:
FindSOCI
--------

Finds SOCI (https://soci.sourceforge.net). Needed because Debian 12's libsoci-dev (4.0.3)
installs no CMake package configuration.

Components: ``core`` is always searched for and always required. Backends are requested as
components: ``sqlite3``, ``postgresql``, ``mysql``, ``odbc``, ``firebird``.

Imported targets:

``SOCI::core``
  The core library and the include directory.
``SOCI::<backend>``
  A backend library; links ``SOCI::core`` and the client library whose headers the backend
  header includes (``SQLite::SQLite3`` for sqlite3, ``PostgreSQL::PostgreSQL`` for postgresql).

Result variables: ``SOCI_FOUND``, ``SOCI_VERSION``, ``SOCI_INCLUDE_DIRS``, ``SOCI_LIBRARIES``,
``SOCI_<component>_FOUND``.

Cache variables: ``SOCI_INCLUDE_DIR``, ``SOCI_<COMPONENT>_LIBRARY``.
#]=======================================================================]

include(FindPackageHandleStandardArgs)

find_path(SOCI_INCLUDE_DIR NAMES soci/soci.h DOC "Directory holding soci/soci.h")

if(SOCI_INCLUDE_DIR AND EXISTS "${SOCI_INCLUDE_DIR}/soci/version.h")
  file(STRINGS "${SOCI_INCLUDE_DIR}/soci/version.h" _soci_version_line
       REGEX "^#define[ \t]+SOCI_VERSION[ \t]+[0-9]+")
  string(REGEX REPLACE ".*SOCI_VERSION[ \t]+([0-9]+).*" "\\1" _soci_version_num
                       "${_soci_version_line}")
  # SOCI_VERSION is major * 100000 + minor * 100 + patch.
  math(EXPR SOCI_VERSION_MAJOR "${_soci_version_num} / 100000")
  math(EXPR SOCI_VERSION_MINOR "${_soci_version_num} / 100 % 1000")
  math(EXPR SOCI_VERSION_PATCH "${_soci_version_num} % 100")
  set(SOCI_VERSION "${SOCI_VERSION_MAJOR}.${SOCI_VERSION_MINOR}.${SOCI_VERSION_PATCH}")
  unset(_soci_version_line)
  unset(_soci_version_num)
endif()

# Upstream names libraries soci_<component>; some builds append the ABI version (soci_core_4_0).
set(_soci_components core ${SOCI_FIND_COMPONENTS})
list(REMOVE_DUPLICATES _soci_components)
set(_soci_required_vars SOCI_INCLUDE_DIR)
set(SOCI_LIBRARIES)

foreach(_comp IN LISTS _soci_components)
  string(TOUPPER "${_comp}" _COMP)
  set(_names soci_${_comp})
  if(SOCI_VERSION_MAJOR)
    list(APPEND _names soci_${_comp}_${SOCI_VERSION_MAJOR}_${SOCI_VERSION_MINOR})
  endif()
  find_library(SOCI_${_COMP}_LIBRARY NAMES ${_names} DOC "SOCI ${_comp} library")
  mark_as_advanced(SOCI_${_COMP}_LIBRARY)

  set(SOCI_${_comp}_FOUND FALSE)
  if(SOCI_${_COMP}_LIBRARY)
    # A backend is only usable if the client headers its public header includes are found too.
    if(_comp STREQUAL "sqlite3")
      if(NOT TARGET SQLite::SQLite3)
        find_package(SQLite3 QUIET)
      endif()
      if(TARGET SQLite::SQLite3)
        set(SOCI_${_comp}_FOUND TRUE)
      endif()
    elseif(_comp STREQUAL "postgresql")
      if(NOT TARGET PostgreSQL::PostgreSQL)
        find_package(PostgreSQL QUIET)
      endif()
      if(TARGET PostgreSQL::PostgreSQL)
        set(SOCI_${_comp}_FOUND TRUE)
      endif()
    else()
      set(SOCI_${_comp}_FOUND TRUE)
    endif()
  endif()
  if(SOCI_${_comp}_FOUND)
    list(APPEND SOCI_LIBRARIES "${SOCI_${_COMP}_LIBRARY}")
  endif()
endforeach()
list(APPEND _soci_required_vars SOCI_CORE_LIBRARY)

find_package_handle_standard_args(SOCI
  REQUIRED_VARS ${_soci_required_vars}
  VERSION_VAR SOCI_VERSION
  HANDLE_COMPONENTS)

mark_as_advanced(SOCI_INCLUDE_DIR)

if(SOCI_FOUND)
  set(SOCI_INCLUDE_DIRS "${SOCI_INCLUDE_DIR}")

  if(NOT TARGET SOCI::core)
    add_library(SOCI::core UNKNOWN IMPORTED)
    set_target_properties(SOCI::core PROPERTIES
      IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")
    # soci/soci.h includes Boost headers when SOCI was built with Boost support.
    file(STRINGS "${SOCI_INCLUDE_DIR}/soci/soci-config.h" _soci_have_boost
         REGEX "^#define[ \t]+SOCI_HAVE_BOOST[ \t]*$")
    if(_soci_have_boost AND TARGET Boost::headers)
      set_property(TARGET SOCI::core APPEND PROPERTY INTERFACE_LINK_LIBRARIES Boost::headers)
    endif()
    unset(_soci_have_boost)
  endif()

  foreach(_comp IN LISTS _soci_components)
    if(_comp STREQUAL "core" OR NOT SOCI_${_comp}_FOUND OR TARGET SOCI::${_comp})
      continue()
    endif()
    string(TOUPPER "${_comp}" _COMP)
    add_library(SOCI::${_comp} UNKNOWN IMPORTED)
    set_target_properties(SOCI::${_comp} PROPERTIES
      IMPORTED_LOCATION "${SOCI_${_COMP}_LIBRARY}"
      INTERFACE_LINK_LIBRARIES SOCI::core)
    if(_comp STREQUAL "sqlite3")
      set_property(TARGET SOCI::${_comp} APPEND PROPERTY INTERFACE_LINK_LIBRARIES SQLite::SQLite3)
    elseif(_comp STREQUAL "postgresql")
      set_property(TARGET SOCI::${_comp} APPEND PROPERTY
        INTERFACE_LINK_LIBRARIES PostgreSQL::PostgreSQL)
    endif()
  endforeach()
endif()

unset(_soci_components)
unset(_soci_required_vars)
unset(_comp)
unset(_COMP)
unset(_names)
