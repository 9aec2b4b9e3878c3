"""A script for spark-submit, which runs files, not modules:

    spark-submit "$(python -c 'import onrecord.spark_main as m; print(m.__file__)')" INPUT... --out DIR
"""

import sys

from onrecord.spark import main

if __name__ == "__main__":
    sys.exit(main())
