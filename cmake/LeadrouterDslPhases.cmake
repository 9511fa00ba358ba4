# The phases of the rule language (dsl/<phase>/): one static library each, linked only downward,
# and a configure-time check that no file includes a header it may not.
#
# leadrouter_dsl_phase(<phase> [DEPS <phase>...] [LIBS <target>...])
#   Called in dsl/<phase>/CMakeLists.txt. Builds every .cc under dsl/<phase>/ into leadrouter_dsl_<phase>, which links the phases it
#   builds on (DEPS, declared before it) and the third-party LIBS, all PUBLIC. Before that it
#   reads every .h and .cc of the folder and fails the configure step, naming file:line of each
#   include at fault, when one includes
#   - a phase that is not below it: not in DEPS, nor below one of them;
#   - another phase's private header (dsl/<other>/internal/...);
#   - a dsl/ header outside the phase folders.
#
# The same check runs without configuring, on a tree and the phases a configure declared (the
# test that proves it fires, tests/cmake/dsl_layering_test.cmake, and the test that the tree
# passes it now, not only at the last configure):
#   cmake -DLEADROUTER_DSL_ROOT=<source dir> -DLEADROUTER_DSL_PHASES_FILE=<build>/dsl/phases.cmake
#         -P cmake/LeadrouterDslPhases.cmake

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)
endif()
include(${CMAKE_CURRENT_LIST_DIR}/LeadrouterSourceIncludes.cmake)

# leadrouter_dsl_include_violations(<out_var> <root> <phase> <allowed>...): one message per
# include in <root>/dsl/<phase>/ of a dsl/ header outside <phase> and the <allowed> phases, or of
# another phase's internal/ header.
function(leadrouter_dsl_include_violations out_var root phase)
  set(allowed ${ARGN})
  if(allowed)
    list(TRANSFORM allowed PREPEND dsl/ OUTPUT_VARIABLE shown_allowed)
    list(JOIN shown_allowed ", " allowed_text)
    set(allowed_text "dsl/${phase} builds only on ${allowed_text}")
  else()
    set(allowed_text "dsl/${phase} builds on no other phase")
  endif()
  file(GLOB_RECURSE files ${root}/dsl/${phase}/*.h ${root}/dsl/${phase}/*.cc)
  list(SORT files)
  set(violations "")
  foreach(file IN LISTS files)
    file(READ ${file} text)
    if(NOT text MATCHES "#[ \t]*include[ \t]*[\"<]dsl/")
      continue()
    endif()
    file(RELATIVE_PATH shown ${root} ${file})
    leadrouter_source_includes(includes ${file})
    foreach(include IN LISTS includes)
      if(NOT include MATCHES "^([0-9]+):(dsl/.*)$")
        continue()
      endif()
      set(number ${CMAKE_MATCH_1})
      set(header ${CMAKE_MATCH_2})
      set(where "${shown}:${number}: dsl/${phase} may not include ${header}")
      if(NOT header MATCHES "^dsl/([a-z_]+)/(.*)$")
        list(APPEND violations "${where}: it is not in a phase folder (dsl/<phase>/)")
        continue()
      endif()
      set(other ${CMAKE_MATCH_1})
      set(rest ${CMAKE_MATCH_2})
      if("${other}" STREQUAL "${phase}")
        continue()
      endif()
      if(NOT other IN_LIST allowed)
        list(APPEND violations "${where}: ${allowed_text}")
      elseif(rest MATCHES "(^|/)internal/")
        list(APPEND violations "${where}: internal/ headers are private to dsl/${other}")
      endif()
    endforeach()
  endforeach()
  set(${out_var} "${violations}" PARENT_SCOPE)
endfunction()

# leadrouter_dsl_report(<phase> <violation>...): one error (the configure or the script fails, the
# rest is still checked) listing the violations one per line, unwrapped.
function(leadrouter_dsl_report phase)
  if(ARGN)
    list(JOIN ARGN "\n  " lines)
    message(SEND_ERROR "dsl/${phase} includes headers it may not (the phases and what each builds "
                       "on: dsl/CMakeLists.txt):\n  ${lines}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  # Script mode: check the tree at LEADROUTER_DSL_ROOT against LEADROUTER_DSL_PHASES_FILE.
  if(NOT LEADROUTER_DSL_ROOT OR NOT EXISTS "${LEADROUTER_DSL_PHASES_FILE}")
    message(FATAL_ERROR "usage: cmake -DLEADROUTER_DSL_ROOT=<source dir> "
                        "-DLEADROUTER_DSL_PHASES_FILE=<build>/dsl/phases.cmake -P ${CMAKE_CURRENT_LIST_FILE}")
  endif()
  include(${LEADROUTER_DSL_PHASES_FILE})
  set(failed FALSE)
  foreach(phase IN LISTS LEADROUTER_DSL_PHASES)
    leadrouter_dsl_include_violations(violations ${LEADROUTER_DSL_ROOT} ${phase}
                                      ${LEADROUTER_DSL_BELOW_${phase}})
    leadrouter_dsl_report(${phase} ${violations})
    if(violations)
      set(failed TRUE)
    endif()
  endforeach()
  if(NOT failed)
    list(JOIN LEADROUTER_DSL_PHASES " -> " order)
    message(STATUS "dsl/ includes only downward: ${order}")
  endif()
  return()
endif()

set_property(GLOBAL PROPERTY LEADROUTER_DSL_PHASES "")
set_property(GLOBAL PROPERTY LEADROUTER_DSL_SOURCES "")
set_property(GLOBAL PROPERTY LEADROUTER_DSL_LIBS "")

function(leadrouter_dsl_phase phase)
  cmake_parse_arguments(ARG "" "" "DEPS;LIBS" ${ARGN})
  get_property(declared GLOBAL PROPERTY LEADROUTER_DSL_PHASES)
  set(below "")
  foreach(dep IN LISTS ARG_DEPS)
    if(NOT dep IN_LIST declared)
      message(FATAL_ERROR "dsl/${phase}: declare the phase dsl/${dep} before the phases on it")
    endif()
    get_property(dep_below GLOBAL PROPERTY LEADROUTER_DSL_BELOW_${dep})
    list(APPEND below ${dep} ${dep_below})
  endforeach()
  list(REMOVE_DUPLICATES below)
  set_property(GLOBAL PROPERTY LEADROUTER_DSL_BELOW_${phase} ${below})
  set_property(GLOBAL APPEND PROPERTY LEADROUTER_DSL_PHASES ${phase})

  leadrouter_dsl_include_violations(violations ${PROJECT_SOURCE_DIR} ${phase} ${below})
  leadrouter_dsl_report(${phase} ${violations})

  if(NOT CMAKE_CURRENT_SOURCE_DIR STREQUAL "${PROJECT_SOURCE_DIR}/dsl/${phase}")
    message(FATAL_ERROR "leadrouter_dsl_phase(${phase}) belongs in dsl/${phase}/CMakeLists.txt")
  endif()
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  add_library(leadrouter_dsl_${phase} STATIC ${sources})
  target_include_directories(leadrouter_dsl_${phase} PUBLIC ${PROJECT_SOURCE_DIR})
  list(TRANSFORM ARG_DEPS PREPEND leadrouter_dsl_ OUTPUT_VARIABLE dep_targets)
  target_link_libraries(leadrouter_dsl_${phase} PUBLIC ${dep_targets} ${ARG_LIBS})
  leadrouter_target_defaults(leadrouter_dsl_${phase})
  # For a build of every phase in one library with other flags (tests/fuzz).
  set_property(GLOBAL APPEND PROPERTY LEADROUTER_DSL_SOURCES ${sources})
  set_property(GLOBAL APPEND PROPERTY LEADROUTER_DSL_LIBS ${ARG_LIBS})
endfunction()

# leadrouter_dsl_write_phases(<file>): the declared phases and what is below each, for the script
# mode above.
function(leadrouter_dsl_write_phases file)
  get_property(phases GLOBAL PROPERTY LEADROUTER_DSL_PHASES)
  set(text "# Generated by leadrouter_dsl_write_phases (cmake/LeadrouterDslPhases.cmake).\n")
  string(APPEND text "set(LEADROUTER_DSL_PHASES ${phases})\n")
  foreach(phase IN LISTS phases)
    get_property(below GLOBAL PROPERTY LEADROUTER_DSL_BELOW_${phase})
    string(APPEND text "set(LEADROUTER_DSL_BELOW_${phase} ${below})\n")
  endforeach()
  file(CONFIGURE OUTPUT ${file} CONTENT "${text}" @ONLY)
endfunction()
