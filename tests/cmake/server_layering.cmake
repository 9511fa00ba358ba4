# The server/ folders are layers: a file in one may include only its own folder and those before
# it in LEADROUTER_SERVER_LAYERS, and no other folder's internal/ headers. server.{h,cc} and
# main.cc, which put the layers together, may include any of them.
#
#   cmake -DLEADROUTER_SERVER_ROOT=<source dir> -P tests/cmake/server_layering.cmake
#
# Included by tests/cmake/server_layering_test.cmake, which proves that it fires.
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../../cmake/LeadrouterSourceIncludes.cmake)

set(LEADROUTER_SERVER_LAYERS api auth transport roster scoring rules jobs events assign reps reports
                             services)

# leadrouter_server_layer_violations(<out_var> <root>): one message per include at fault in
# <root>/server/<layer>/, as "file:line: what".
function(leadrouter_server_layer_violations out_var root)
  set(violations "")
  set(below "")
  foreach(layer IN LISTS LEADROUTER_SERVER_LAYERS)
    file(GLOB_RECURSE files ${root}/server/${layer}/*.h ${root}/server/${layer}/*.cc)
    list(SORT files)
    foreach(file IN LISTS files)
      file(RELATIVE_PATH shown ${root} ${file})
      leadrouter_source_includes(includes ${file})
      foreach(include IN LISTS includes)
        if(NOT include MATCHES "^([0-9]+):server/([a-z_]+)/(.*)$")
          continue()
        endif()
        set(number ${CMAKE_MATCH_1})
        set(other ${CMAKE_MATCH_2})
        set(rest ${CMAKE_MATCH_3})
        set(where "${shown}:${number}: server/${layer} may not include server/${other}/${rest}")
        if(other STREQUAL layer)
          continue()
        elseif(NOT other IN_LIST below)
          list(APPEND violations "${where}: it is not a layer before server/${layer}")
        elseif(rest MATCHES "(^|/)internal/")
          list(APPEND violations "${where}: internal/ headers are private to server/${other}")
        endif()
      endforeach()
    endforeach()
    list(APPEND below ${layer})
  endforeach()
  set(${out_var} "${violations}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  leadrouter_server_layer_violations(violations ${LEADROUTER_SERVER_ROOT})
  if(violations)
    list(JOIN violations "\n" text)
    message(FATAL_ERROR "server/ layering:\n${text}")
  endif()
endif()
