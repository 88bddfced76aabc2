// Well-known label keys, named so that the two "service name" labels cannot be confused.

/** On EndpointSlices: the Service that owns the slice (set by the EndpointSlice controller). */
export const ENDPOINTSLICE_SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** On Services: the headless marker the EndpointSlice controller honours. */
export const HEADLESS_SERVICE_LABEL = "service.kubernetes.io/headless";
/** Cilium's pseudo-labels that selectors (pools, L2 policies) may match a Service's name and namespace by. */
export const CILIUM_SERVICE_NAME_LABEL = "io.kubernetes.service.name";
export const CILIUM_SERVICE_NAMESPACE_LABEL = "io.kubernetes.service.namespace";
