# The layering check: a file under impl/contend/<concept>/ may include only
# its own concept's headers and those of the concepts its library links
# directly. Separate libraries catch only a call back up that reaches the
# linker; the shared include root lets any header include any other, and a
# template or inline function never reaches the linker at all.
#
# The allowed graph is read from the libraries' own target_link_libraries,
# so it is declared once, where the links are; cmake/check_layering.py also
# rejects a cycle in it.

# contend_layering_check(<concept>...): the build target contend_layering
# (part of ALL), checking impl/ against the links of contend::<concept>...
function(contend_layering_check)
  set(graph)
  foreach(concept IN LISTS ARGN)
    set(deps)
    # PRIVATE links are only in LINK_LIBRARIES, an INTERFACE library's only in
    # INTERFACE_LINK_LIBRARIES (where PRIVATE ones reappear as $<LINK_ONLY:>).
    foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
      get_target_property(links contend_${concept} ${property})
      foreach(link IN LISTS links)
        if(link MATCHES "contend(::|_)([a-z_]+)" AND CMAKE_MATCH_2 IN_LIST ARGN)
          list(APPEND deps ${CMAKE_MATCH_2})
        endif()
      endforeach()
    endforeach()
    list(REMOVE_DUPLICATES deps)
    list(JOIN deps "," deps)
    list(APPEND graph "${concept}=${deps}")
  endforeach()
  add_custom_target(contend_layering ALL
    COMMAND ${CONTEND_PYTHON} ${PROJECT_SOURCE_DIR}/cmake/check_layering.py impl ${graph}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    COMMENT "Checking impl/ includes against the libraries' links"
    VERBATIM)
endfunction()
