import QtQuick
import "../components"

Item {
    objectName: "screen_review"
    Heading {
        id: title
        text: i18n.t.review_title
    }
    Flickable {
        id: flick
        anchors.top: title.bottom
        anchors.topMargin: units.mm(4)
        anchors.bottom: nav.top
        anchors.bottomMargin: units.mm(3)
        width: parent.width
        contentHeight: col.height
        clip: true
        Column {
            id: col
            width: parent.width
            spacing: units.mm(3)
            Repeater {
                model: flow.review_list
                Rectangle {
                    required property var modelData
                    width: col.width
                    height: Math.max(units.mm(20), inner.implicitHeight + units.mm(4))
                    color: theme.c.surface
                    radius: units.mm(2)
                    Column {
                        id: inner
                        anchors.verticalCenter: parent.verticalCenter
                        x: units.mm(4)
                        width: parent.width - edit.width - units.mm(12)
                        Text {
                            width: parent.width
                            color: theme.c.muted
                            font.pixelSize: units.small_px
                            wrapMode: Text.WordWrap
                            text: modelData.label
                        }
                        Body {
                            text: modelData.value
                            font.bold: true
                        }
                    }
                    KButton {
                        id: edit
                        objectName: "edit_" + modelData.id
                        visible: modelData.editable
                        anchors.right: parent.right
                        anchors.rightMargin: units.mm(3)
                        anchors.verticalCenter: parent.verticalCenter
                        kind: "secondary"
                        text: i18n.t.review_edit
                        onClicked: flow.edit(modelData.id)
                    }
                }
            }
        }
    }
    ScrollHint { flick: flick }  // the last rows are there, below
    NavBar {
        id: nav
        anchors.bottom: parent.bottom
        width: parent.width
        nextText: i18n.t.review_confirm
        onBack: flow.back()
        onNext: flow.next()
    }
}
