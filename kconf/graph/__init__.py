"""``kconf graph``: a picture of the cluster, drawn from the model render uses.

One self-contained SVG (no fonts, scripts or images from elsewhere), the same
bytes for the same description:

- ``address_plan``: node networks, pod and service CIDRs and the load
  balancer's address on one axis per family (``scale``: piecewise log), with
  every overlap marked;
- ``traffic``: clients -> endpoint -> load balancer(s) -> API servers, every
  node with its role and address;
- ``marks``: which element each lint finding is about; ``style`` draws its
  badge; ``picture`` puts the parts and the findings' legend together;
- ``command``: the edge (read the description, lint it as render does, write).
"""
