import QtQuick

Text {
    width: parent ? parent.width : implicitWidth
    color: theme.c.text
    font.pixelSize: units.body_px
    wrapMode: Text.WordWrap
    lineHeight: 1.15
}
