import Sprig
print("sprig-bench \(Sprig.version)")
