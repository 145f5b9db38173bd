"""DescribeInstanceStatus as EC2 reports it while an instance boots.

moto answers `ok` for every running instance at once. Real status checks pass only once the
machine is up; here that means the fleet agent has booted it (its sshd listens). Until then the
sandbox reports `initializing`, so "wait for status checks" really means "ssh will answer".
"""

import xml.etree.ElementTree as ET


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _children(elem, name):
    return [c for c in elem if _local(c.tag) == name]


def _child(elem, name):
    found = _children(elem, name)
    return found[0] if found else None


def rewrite_describe_instance_status(xml_bytes, booted):
    """booted: ids of the instances the agent has booted. Every other listed instance whose
    status moto calls ok is reported as initializing."""
    root = ET.fromstring(xml_bytes)
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    status_set = _child(root, "instanceStatusSet")
    if status_set is None:
        return xml_bytes
    changed = False
    for item in _children(status_set, "item"):
        iid_el = _child(item, "instanceId")
        iid = (iid_el.text or "").strip() if iid_el is not None else ""
        if not iid or iid in booted:
            continue
        for section in ("systemStatus", "instanceStatus"):
            sec = _child(item, section)
            if sec is None:
                continue
            st = _child(sec, "status")
            if st is not None and st.text == "ok":
                st.text = "initializing"
                changed = True
            details = _child(sec, "details")
            for d in _children(details, "item") if details is not None else []:
                dst = _child(d, "status")
                if dst is not None and dst.text == "passed":
                    dst.text = "initializing"
                    changed = True
    if not changed:
        return xml_bytes
    if ns:
        return ET.tostring(root, encoding="unicode", default_namespace=ns).encode()
    return ET.tostring(root, encoding="unicode").encode()
