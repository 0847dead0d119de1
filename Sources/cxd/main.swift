print("cxd")
